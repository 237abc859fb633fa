// API keys: a random 32-byte token shown once, stored only as its SHA-256, scoped to one
// workspace and one role. Hashing means a leaked database does not leak usable keys.
import { createHash, randomBytes } from 'node:crypto';
import { migrateToLatest, type Database } from '@kush/runtime';
import { sql, type Kysely, type Migration } from 'kysely';

export const API_ROLES = ['analyst', 'architect', 'engineer', 'auditor', 'orchestrator', 'admin'] as const;
export type ApiRole = (typeof API_ROLES)[number];

export const API_KEY_TOKEN_BYTES = 32;
const API_KEY_PREFIX = 'kush_';

export interface ServerApiKeyRow {
  key_hash: string;
  key_id: string;
  workspace_id: string;
  role: string;
  created_at: string;
}

export interface ServerTables {
  server_api_keys: ServerApiKeyRow;
}

export const serverMigrations: Record<string, Migration> = {
  '0001_api_keys': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('server_api_keys')
        .addColumn('key_hash', 'text', (c) => c.primaryKey())
        .addColumn('key_id', 'text', (c) => c.notNull().unique())
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull().defaultTo(sql`CURRENT_TIMESTAMP`))
        .execute();
    },
  },
};

export async function migrateServer(database: Database<unknown>): Promise<void> {
  await migrateToLatest(database, 'server', serverMigrations);
}

export function isApiRole(value: string): value is ApiRole {
  return (API_ROLES as readonly string[]).includes(value);
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export interface CreatedApiKey {
  key: string;
  key_id: string;
  workspace_id: string;
  role: ApiRole;
}

export async function createApiKey(db: Kysely<ServerTables>, workspaceId: string, role: ApiRole): Promise<CreatedApiKey> {
  const key = API_KEY_PREFIX + randomBytes(API_KEY_TOKEN_BYTES).toString('base64url');
  const keyHash = hashApiKey(key);
  // The id is a prefix of the hash: safe to show in listings and logs, useless as a credential.
  const keyId = keyHash.slice(0, 16);
  await db
    .insertInto('server_api_keys')
    .values({ key_hash: keyHash, key_id: keyId, workspace_id: workspaceId, role, created_at: new Date().toISOString() })
    .execute();
  return { key, key_id: keyId, workspace_id: workspaceId, role };
}

export interface ApiPrincipal {
  key_id: string;
  workspace_id: string;
  role: ApiRole;
}

export async function resolveApiKey(db: Kysely<ServerTables>, key: string): Promise<ApiPrincipal | undefined> {
  const row = await db.selectFrom('server_api_keys').selectAll().where('key_hash', '=', hashApiKey(key)).executeTakeFirst();
  if (!row || !isApiRole(row.role)) return undefined;
  return { key_id: row.key_id, workspace_id: row.workspace_id, role: row.role };
}
