import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Column, DataSource, Entity, PrimaryColumn } from 'typeorm';
import { AuditLogEntity, ENTITIES, MIGRATIONS, pendingSchemaChanges } from '@app/persistence';
import { createTestDatabase, type TestDatabase } from '../../support/db';

async function tableNames(ds: DataSource): Promise<string[]> {
  const rows: { table_name: string }[] = await ds.query(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
  );
  return rows.map((r) => r.table_name);
}

describe('migrations against a real PostgreSQL', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  it('run up on an empty database and create every entity table', async () => {
    expect(await tableNames(db.dataSource)).toEqual([]);
    const ran = await db.dataSource.runMigrations({ transaction: 'each' });
    expect(ran.map((m) => m.name)).toHaveLength(MIGRATIONS.length);
    const tables = await tableNames(db.dataSource);
    for (const entity of ENTITIES) {
      const table = db.dataSource.getMetadata(entity).tableName;
      expect(tables).toContain(table);
    }
  });

  it('agree with the entities (the drift check passes)', async () => {
    const { up } = await pendingSchemaChanges(db.dataSource);
    expect(up).toEqual([]);
  });

  it('keep the audit log append-only', async () => {
    const repo = db.dataSource.getRepository(AuditLogEntity);
    const row = await repo.save(
      repo.create({
        actor: 'test',
        action: 'plan.approved',
        subjectType: 'plan',
        subjectId: 'p1',
        detail: {},
      }),
    );
    await expect(repo.update({ id: row.id }, { actor: 'someone else' })).rejects.toThrow(/append-only/);
    await expect(repo.delete({ id: row.id })).rejects.toThrow(/append-only/);
    expect(await repo.count()).toBe(1);
  });

  it('run down back to an empty database', async () => {
    for (let i = 0; i < MIGRATIONS.length; i++)
      await db.dataSource.undoLastMigration({ transaction: 'each' });
    expect(await tableNames(db.dataSource)).toEqual(['migrations']);
  });
});

// An entity the migrations know nothing about: the drift check must notice it. This is the check failing on purpose.
@Entity('drift_probe')
class DriftProbeEntity {
  @PrimaryColumn('text') id!: string;
  @Column('integer') size!: number;
}

describe('the drift check', () => {
  let db: TestDatabase;
  let drifted: DataSource;
  beforeAll(async () => {
    db = await createTestDatabase({ migrate: true });
    drifted = new DataSource({
      type: 'postgres',
      url: db.url,
      entities: [...ENTITIES, DriftProbeEntity],
      synchronize: false,
    });
    await drifted.initialize();
  });
  afterAll(async () => {
    await drifted.destroy();
    await db.drop();
  });

  it('fails when an entity has no migration', async () => {
    const { up } = await pendingSchemaChanges(drifted);
    expect(up.join('\n')).toMatch(/CREATE TABLE "drift_probe"/);
  });
});
