// The control part's migrations, for SQLite and PostgreSQL alike.
import { migrateToLatest, type Database } from '@kush/runtime';
import type { Kysely, Migration } from 'kysely';

const migrationsFor = (dialect: 'sqlite' | 'postgres'): Record<string, Migration> => ({
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
  // The embedded event log (until the bus package carries control's events) and the budgets the
  // embedded budget gate charges against. No unique index on event_id: on random-looking ids it
  // more than doubled the cost of an append (measured); duplicates are dropped by the writer's
  // memory of recent ids and by every reader instead.
  '2026-11-22-002-control-events-budgets': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('control_events')
        .addColumn('seq', dialect === 'postgres' ? 'bigserial' : 'integer', (c) =>
          dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
        )
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('event_id', 'text', (c) => c.notNull())
        .addColumn('event_type', 'text', (c) => c.notNull())
        .addColumn('workflow_id', 'text', (c) => c.notNull())
        .addColumn('envelope', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('control_events_by_workflow')
        .on('control_events')
        .columns(['workspace_id', 'workflow_id', 'seq'])
        .execute();
      await db.schema
        .createTable('control_budgets')
        .addColumn('workspace_id', 'text', (c) => c.primaryKey())
        .addColumn('limit_ueau', 'bigint', (c) => c.notNull())
        .addColumn('spent_ueau', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('control_charges')
        .addColumn('idempotency_key', 'text', (c) => c.primaryKey())
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('amount_ueau', 'bigint', (c) => c.notNull())
        .addColumn('tool_name', 'text', (c) => c.notNull())
        .addColumn('workflow_id', 'text', (c) => c.notNull())
        .addColumn('task_id', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
    },
  },
});

export async function migrateControl(database: Database<unknown>): Promise<void> {
  await migrateToLatest(database, 'control', migrationsFor(database.dialect));
}
