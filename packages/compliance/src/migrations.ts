// Migrations for both dialects; the part keeps its own migration table.
import { migrateToLatest, type Database } from '@kush/runtime';
import type { Kysely, Migration } from 'kysely';

const migrations: Record<string, Migration> = {
  '2026-11-22-001-compliance': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('compliance_cases')
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('case_id', 'text', (c) => c.notNull())
        .addColumn('case_type', 'text', (c) => c.notNull())
        .addColumn('severity_level', 'text', (c) => c.notNull())
        .addColumn('subject_id', 'text', (c) => c.notNull())
        .addColumn('workflow_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('evidence_count', 'integer', (c) => c.notNull())
        .addColumn('opened_at', 'text', (c) => c.notNull())
        .addColumn('closed_at', 'text')
        .addColumn('closure_reason', 'text')
        .addColumn('finding', 'text')
        .addPrimaryKeyConstraint('compliance_cases_pk', ['workspace_id', 'case_id'])
        .execute();
      await db.schema
        .createTable('compliance_evidence')
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('case_id', 'text', (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('evidence_id', 'text', (c) => c.notNull())
        .addColumn('event_id_reference', 'text', (c) => c.notNull())
        .addColumn('event_type_reference', 'text', (c) => c.notNull())
        .addColumn('evidence_type', 'text', (c) => c.notNull())
        .addColumn('added_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('compliance_evidence_pk', ['workspace_id', 'case_id', 'position'])
        .execute();
      await db.schema
        .createTable('compliance_violations')
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('violation_id', 'text', (c) => c.notNull())
        .addColumn('violation_type', 'text', (c) => c.notNull())
        .addColumn('severity_level', 'text', (c) => c.notNull())
        .addColumn('affected_workflow_id', 'text', (c) => c.notNull())
        .addColumn('remediation_action', 'text', (c) => c.notNull())
        .addColumn('event_id_reference', 'text', (c) => c.notNull())
        .addColumn('detected_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('compliance_violations_pk', ['workspace_id', 'violation_id'])
        .execute();
      await db.schema
        .createTable('compliance_audit_log')
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('log_id', 'text', (c) => c.notNull())
        .addColumn('action_type', 'text', (c) => c.notNull())
        .addColumn('actor_id', 'text', (c) => c.notNull())
        .addColumn('resource_id', 'text', (c) => c.notNull())
        .addColumn('change_summary', 'text', (c) => c.notNull())
        .addColumn('timestamp', 'text', (c) => c.notNull())
        .addColumn('prev_hash', 'text', (c) => c.notNull())
        .addColumn('entry_hash', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('compliance_audit_log_pk', ['workspace_id', 'seq'])
        .execute();
      await db.schema
        .createTable('compliance_audit_head')
        .addColumn('workspace_id', 'text', (c) => c.primaryKey())
        .addColumn('count', 'integer', (c) => c.notNull())
        .addColumn('head_hash', 'text', (c) => c.notNull())
        .execute();
    },
  },
};

export async function migrateCompliance(database: Database<unknown>): Promise<void> {
  await migrateToLatest(database, 'compliance', migrations);
}
