import 'reflect-metadata';
import { DataSource, type Logger as TypeOrmLogger } from 'typeorm';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

export interface DataSourceOptions {
  url: string;
  /** Schema to use (tests get a throwaway one). */
  schema?: string;
  /** Pool size per process. */
  poolSize?: number;
  logger?: TypeOrmLogger;
  applicationName?: string;
}

/**
 * The one way to open PostgreSQL. `synchronize` is always off: the schema comes only from migrations, and the
 * drift check (`migrate check`) proves the migrations produce exactly what the entities describe.
 */
export function createDataSource(opts: DataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: opts.url,
    schema: opts.schema,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    poolSize: opts.poolSize ?? 10,
    applicationName: opts.applicationName ?? 'layershift',
    logger: opts.logger,
    logging: opts.logger ? ['error', 'warn', 'migration'] : false,
  });
}

/** The SQL that would make the database match the entities; empty when migrations and entities agree. */
export async function pendingSchemaChanges(ds: DataSource): Promise<{ up: string[]; down: string[] }> {
  const sql = await ds.driver.createSchemaBuilder().log();
  return { up: sql.upQueries.map((q) => q.query), down: sql.downQueries.map((q) => q.query) };
}
