// The audit log store: appends entries to a workspace's hash chain inside the caller's
// transaction and verifies the stored chain against its head.
import type { Kysely, Transaction } from 'kysely';
import { chainEntry, verifyAuditChain, type AuditEntry, type AuditEntryContent, type AuditVerification } from './audit-chain.js';
import type { ComplianceTables } from './tables.js';

type Db = Kysely<ComplianceTables> | Transaction<ComplianceTables>;

/** Appends one entry after the workspace's current head; returns the stored entry. */
export async function appendAuditEntry(trx: Db, content: Omit<AuditEntryContent, 'seq'>): Promise<AuditEntry> {
  const last = await trx
    .selectFrom('compliance_audit_log')
    .selectAll()
    .where('workspace_id', '=', content.workspace_id)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  const entry = chainEntry(last, content);
  await trx.insertInto('compliance_audit_log').values(entry).execute();
  await trx
    .insertInto('compliance_audit_head')
    .values({ workspace_id: entry.workspace_id, count: entry.seq, head_hash: entry.entry_hash })
    .onConflict((oc) => oc.column('workspace_id').doUpdateSet({ count: entry.seq, head_hash: entry.entry_hash }))
    .execute();
  return entry;
}

export async function readAuditLog(db: Db, workspaceId: string): Promise<AuditEntry[]> {
  return db.selectFrom('compliance_audit_log').selectAll().where('workspace_id', '=', workspaceId).orderBy('seq').execute();
}

export async function verifyAuditLog(db: Db, workspaceId: string): Promise<AuditVerification> {
  const entries = await readAuditLog(db, workspaceId);
  const head = await db.selectFrom('compliance_audit_head').selectAll().where('workspace_id', '=', workspaceId).executeTakeFirst();
  return verifyAuditChain(entries, head ? { count: head.count, head_hash: head.head_hash } : undefined);
}

/** Workspaces that have an audit log. */
export async function auditedWorkspaces(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('compliance_audit_head').select('workspace_id').orderBy('workspace_id').execute();
  return rows.map((r) => r.workspace_id);
}
