// The database factory: one query layer (Kysely) over two dialects. Embedded runs use a SQLite file
// (better-sqlite3, WAL); distributed runs use PostgreSQL (pg). A part owns its tables and migrations.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';

export type DialectName = 'sqlite' | 'postgres';

/** Most connections one process opens to PostgreSQL. */
export const POSTGRES_POOL_SIZE_MAX = 10;

// BIGINT (int8) columns hold millijoules and micro-EAU; read them as numbers and refuse any value
// JavaScript cannot represent exactly instead of rounding money silently.
pg.types.setTypeParser(20, (text: string) => {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new RangeError(`BIGINT ${text} exceeds Number.MAX_SAFE_INTEGER`);
  return n;
});
// NUMERIC sums of BIGINT columns come back as text; same rule.
pg.types.setTypeParser(1700, (text: string) => {
  const n = Number(text);
  if (Number.isInteger(n) && !Number.isSafeInteger(n)) throw new RangeError(`NUMERIC ${text} exceeds Number.MAX_SAFE_INTEGER`);
  return n;
});

export interface OpenDatabaseOptions {
  /** `postgres://...`; when absent, `sqlitePath` is used. */
  readonly url?: string | undefined;
  /** SQLite file path, or ':memory:'. */
  readonly sqlitePath?: string;
  /** PostgreSQL schema to use (created if missing); lets tests and tenants-by-schema run side by side. */
  readonly schema?: string;
  readonly poolSize?: number;
}

export interface Database<DB> {
  readonly dialect: DialectName;
  readonly db: Kysely<DB>;
  /** The raw SQLite handle, for synchronous batches on hot paths. */
  readonly sqlite: BetterSqlite3.Database | undefined;
  /** The raw PostgreSQL pool, for COPY and other driver-level work. */
  readonly pool: pg.Pool | undefined;
  readonly schema: string | undefined;
  close(): Promise<void>;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export async function openDatabase<DB>(options: OpenDatabaseOptions): Promise<Database<DB>> {
  if (options.url) {
    if (options.schema !== undefined && !SCHEMA_NAME.test(options.schema)) {
      throw new Error(`schema: must match ${SCHEMA_NAME.source}`);
    }
    if (options.schema) {
      // Create the schema on a short-lived connection, then give every pooled connection the
      // schema as its search_path at startup (a SET after connect would race the first query).
      const setup = new pg.Client({ connectionString: options.url });
      await setup.connect();
      try {
        await setup.query(`CREATE SCHEMA IF NOT EXISTS ${options.schema}`);
      } catch (error) {
        // Two processes creating the same schema at once race on the catalog; the loser can go on.
        if ((error as { code?: string }).code !== '23505') throw error;
      } finally {
        await setup.end();
      }
    }
    const pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize ?? POSTGRES_POOL_SIZE_MAX,
      ...(options.schema ? { options: `-c search_path=${options.schema},public` } : {}),
    });
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    return { dialect: 'postgres', db, sqlite: undefined, pool, schema: options.schema, close: () => db.destroy() };
  }
  const path = options.sqlitePath ?? ':memory:';
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new BetterSqlite3(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { dialect: 'sqlite', db, sqlite, pool: undefined, schema: undefined, close: () => db.destroy() };
}
