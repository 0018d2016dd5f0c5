/**
 * `migrate up | down | check | generate NAME` against DATABASE_URL.
 * generate writes a new migration from the difference between the migrated database and the entities,
 * the way `typeorm migration:generate` does, without needing ts-node at run time.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDataSource, pendingSchemaChanges } from '../data-source';

async function main(): Promise<number> {
  const [cmd, name] = process.argv.slice(2);
  const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/layershift';
  const ds = createDataSource({ url });
  await ds.initialize();
  try {
    switch (cmd) {
      case 'up': {
        const ran = await ds.runMigrations({ transaction: 'each' });
        process.stdout.write(
          `applied ${ran.length} migration(s)${ran.map((m) => '\n  ' + m.name).join('')}\n`,
        );
        return 0;
      }
      case 'down':
        await ds.undoLastMigration({ transaction: 'each' });
        process.stdout.write('reverted the last migration\n');
        return 0;
      case 'check': {
        await ds.runMigrations({ transaction: 'each' });
        const { up } = await pendingSchemaChanges(ds);
        if (up.length === 0) {
          process.stdout.write('entities and migrations agree\n');
          return 0;
        }
        process.stderr.write(`entities and migrations disagree; missing SQL:\n${up.join(';\n')};\n`);
        return 1;
      }
      case 'generate': {
        if (!name || !/^[A-Za-z][A-Za-z0-9]*$/.test(name)) {
          process.stderr.write('usage: migrate generate NAME (letters and digits, e.g. AddForecastIndex)\n');
          return 2;
        }
        await ds.runMigrations({ transaction: 'each' });
        const { up, down } = await pendingSchemaChanges(ds);
        if (up.length === 0) {
          process.stdout.write('nothing to generate: entities and migrations agree\n');
          return 0;
        }
        const ts = Date.now();
        const cls = `${name}${ts}`;
        const q = (s: string) => `    await queryRunner.query(${JSON.stringify(s)});`;
        const body = `import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ${cls} implements MigrationInterface {
  name = '${cls}';

  public async up(queryRunner: QueryRunner): Promise<void> {
${up.map(q).join('\n')}
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
${[...down].reverse().map(q).join('\n')}
  }
}
`;
        const file = join(process.cwd(), 'libs/persistence/src/migrations', `${ts}-${name}.ts`);
        writeFileSync(file, body);
        process.stdout.write(`wrote ${file}; add ${cls} to MIGRATIONS in migrations/index.ts\n`);
        return 0;
      }
      default:
        process.stderr.write('usage: migrate up | down | check | generate NAME\n');
        return 2;
    }
  } finally {
    await ds.destroy();
  }
}

main().then(
  (code) => (process.exitCode = code),
  (e: unknown) => {
    process.stderr.write(`migrate: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
