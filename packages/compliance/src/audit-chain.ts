// The audit log's hash chain: each entry's hash covers its content and the hash of the entry
// before it, so altering, inserting or removing an entry breaks every hash after it. A head
// record (count and last hash) kept apart from the entries catches a truncated tail.
import { createHash } from 'node:crypto';
import { canonicalJson } from '@kush/contracts';

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditEntryContent {
  readonly workspace_id: string;
  /** Position in the workspace's chain, from 1, without gaps. */
  readonly seq: number;
  readonly log_id: string;
  readonly action_type: string;
  readonly actor_id: string;
  readonly resource_id: string;
  readonly change_summary: string;
  readonly timestamp: string;
}

export interface AuditEntry extends AuditEntryContent {
  readonly prev_hash: string;
  readonly entry_hash: string;
}

export interface AuditHead {
  readonly count: number;
  readonly head_hash: string;
}

export function auditEntryHash(prevHash: string, content: AuditEntryContent): string {
  const { workspace_id, seq, log_id, action_type, actor_id, resource_id, change_summary, timestamp } = content;
  return createHash('sha256')
    .update(prevHash)
    .update(canonicalJson({ workspace_id, seq, log_id, action_type, actor_id, resource_id, change_summary, timestamp }))
    .digest('hex');
}

export function chainEntry(prev: AuditEntry | undefined, content: Omit<AuditEntryContent, 'seq'>): AuditEntry {
  const seq = (prev?.seq ?? 0) + 1;
  const prev_hash = prev?.entry_hash ?? GENESIS_HASH;
  const full = { ...content, seq };
  return { ...full, prev_hash, entry_hash: auditEntryHash(prev_hash, full) };
}

export type AuditProblemKind = 'altered' | 'inserted' | 'removed' | 'truncated';

export interface AuditProblem {
  readonly seq: number;
  readonly kind: AuditProblemKind;
  readonly message: string;
}

export interface AuditVerification {
  readonly ok: boolean;
  readonly entries: number;
  readonly head_hash: string;
  readonly problems: readonly AuditProblem[];
}

/** Problems reported before verification stops listing (the first one is what matters). */
export const AUDIT_PROBLEMS_MAX = 20;

/**
 * Walks a workspace's entries in seq order. An entry whose content no longer matches its hash
 * was altered; an entry whose prev_hash does not continue the chain was inserted (or the one
 * before it removed, which a seq gap tells apart); a chain shorter than its head was truncated.
 */
export function verifyAuditChain(entries: readonly AuditEntry[], head?: AuditHead): AuditVerification {
  const problems: AuditProblem[] = [];
  const report = (p: AuditProblem) => {
    if (problems.length < AUDIT_PROBLEMS_MAX) problems.push(p);
  };
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  for (const entry of entries) {
    if (entry.seq > expectedSeq) {
      report({
        seq: expectedSeq,
        kind: 'removed',
        message: `entries ${expectedSeq}..${entry.seq - 1} are missing before seq ${entry.seq}`,
      });
    } else if (entry.seq < expectedSeq) {
      report({ seq: entry.seq, kind: 'inserted', message: `seq ${entry.seq} appears again after seq ${expectedSeq - 1}` });
    }
    const recomputed = auditEntryHash(entry.prev_hash, entry);
    if (recomputed !== entry.entry_hash) {
      report({
        seq: entry.seq,
        kind: 'altered',
        message: `seq ${entry.seq}: content does not match its hash (altered after it was written)`,
      });
    } else if (entry.prev_hash !== prevHash && entry.seq === expectedSeq) {
      report({
        seq: entry.seq,
        kind: 'inserted',
        message: `seq ${entry.seq}: prev_hash does not continue the chain (an entry was inserted or replaced here)`,
      });
    }
    prevHash = entry.entry_hash;
    expectedSeq = entry.seq + 1;
  }
  if (head) {
    if (head.count > entries.length && problems.length === 0) {
      report({
        seq: entries.length + 1,
        kind: 'truncated',
        message: `the head records ${head.count} entries but ${entries.length} remain`,
      });
    } else if (head.count === entries.length && head.head_hash !== prevHash && problems.length === 0) {
      report({ seq: entries.length, kind: 'altered', message: 'the last entry does not match the recorded head hash' });
    }
  }
  return { ok: problems.length === 0, entries: entries.length, head_hash: prevHash, problems };
}
