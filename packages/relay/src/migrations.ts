import { migrateToLatest, type Database } from '@kush/runtime';
import type { Kysely, Migration } from 'kysely';

const migrations: Record<string, Migration> = {
  '2026-11-22-001-relay': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('relay_progress')
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('run_id', 'text', (c) => c.notNull())
        .addColumn('last_tick', 'integer', (c) => c.notNull())
        .addColumn('events_applied', 'bigint', (c) => c.notNull())
        .addColumn('pinned_bundle_id', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('relay_progress_pk', ['workspace_id', 'run_id'])
        .execute();
      await db.schema
        .createTable('relay_citizen_users')
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('citizen_id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('relay_citizen_users_pk', ['workspace_id', 'citizen_id'])
        .execute();
      await db.schema
        .createTable('relay_observations')
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('run_id', 'text', (c) => c.notNull())
        .addColumn('event_type', 'text', (c) => c.notNull())
        .addColumn('count', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('relay_observations_pk', ['workspace_id', 'run_id', 'event_type'])
        .execute();
    },
  },
  '2026-11-22-002-relay-outbox': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('relay_outbox')
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('envelope', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('relay_outbox_pk', ['workspace_id', 'seq'])
        .execute();
    },
  },
};

export async function migrateRelay(database: Database<unknown>): Promise<void> {
  await migrateToLatest(database, 'relay', migrations);
}
