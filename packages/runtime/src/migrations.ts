// Runs a part's migrations. Each part keeps its own migration tables, so parts migrate
// independently; on PostgreSQL they live in the database's schema, because Kysely's check for
// an existing migration table looks across every schema and would find another suite's.
import { Migrator, type Migration } from 'kysely';
import type { Database } from './database.js';

export async function migrateToLatest(database: Database<unknown>, part: string, migrations: Record<string, Migration>): Promise<void> {
  const migrator = new Migrator({
    db: database.db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: `kysely_migration_${part}`,
    migrationLockTableName: `kysely_migration_lock_${part}`,
    ...(database.schema ? { migrationTableSchema: database.schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`${part} migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
