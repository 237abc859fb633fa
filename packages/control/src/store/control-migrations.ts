// The control part's migrations, for SQLite and PostgreSQL alike.
import { migrateToLatest, type Database } from '@kush/runtime';
import type { Kysely, Migration } from 'kysely';

const migrations: Record<string, Migration> = {
  '2026-11-22-001-control': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('control_workspaces')
        .addColumn('workspace_id', 'text', (c) => c.primaryKey())
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('archived_at', 'text')
        .execute();
      await db.schema
        .createTable('control_users')
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('capability_tier', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('initial_budget_ueau', 'bigint', (c) => c.notNull())
        .addColumn('onboarded_at', 'text', (c) => c.notNull())
        .addColumn('offboarded_at', 'text')
        .addColumn('offboarding_reason', 'text')
        .addPrimaryKeyConstraint('control_users_pk', ['workspace_id', 'user_id'])
        .execute();
      await db.schema
        .createTable('control_policy_bundles')
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('bundle_id', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('content_hash', 'text', (c) => c.notNull())
        .addColumn('content', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('published_at', 'text', (c) => c.notNull())
        .addColumn('revoked_at', 'text')
        .addPrimaryKeyConstraint('control_policy_bundles_pk', ['workspace_id', 'bundle_id'])
        .addUniqueConstraint('control_policy_bundles_version', ['workspace_id', 'name', 'version'])
        .execute();
      await db.schema
        .createTable('control_workflows')
        .addColumn('workflow_id', 'text', (c) => c.primaryKey())
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('policy_bundle_id', 'text', (c) => c.notNull())
        .addColumn('file', 'text', (c) => c.notNull())
        .addColumn('task_count', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('ended_at', 'text')
        .addColumn('error_code', 'text')
        .execute();
      await db.schema.createIndex('control_workflows_by_workspace').on('control_workflows').columns(['workspace_id', 'status']).execute();
    },
  },
};

export async function migrateControl(database: Database<unknown>): Promise<void> {
  await migrateToLatest(database, 'control', migrations);
}
