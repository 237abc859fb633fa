// Opens the database a command works on: PostgreSQL when KUSH_DATABASE_URL is set, otherwise the
// embedded SQLite file in the data directory. Configuration errors become clear CLI errors.
import { ConfigError, embeddedDatabasePath, loadConfig, openDatabase, type Database, type KushConfig } from '@kush/runtime';
import { CliError, EXIT_USAGE } from './cli-error.js';

export function cliConfig(): KushConfig {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message, EXIT_USAGE, 'INVALID_CONFIGURATION');
    throw error;
  }
}

export async function openStorage<DB>(config: KushConfig = cliConfig()): Promise<Database<DB>> {
  return openDatabase<DB>(config.databaseUrl ? { url: config.databaseUrl } : { sqlitePath: embeddedDatabasePath(config) });
}

/** Runs work against the storage and always closes it. */
export async function withStorage<DB, T>(work: (database: Database<DB>) => Promise<T>): Promise<T> {
  const database = await openStorage<DB>();
  try {
    return await work(database);
  } finally {
    await database.close();
  }
}
