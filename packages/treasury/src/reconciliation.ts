// Reconciliation: the ledger's balances against a reference (a CSV statement, or the balances a
// simulation reports), as drift_amount and drift_pct of the total ledger balance.
import { refuse } from './treasury-error.js';

export interface ReconciliationReport {
  readonly drift_amount: number;
  readonly drift_pct: number;
  readonly status: 'matched' | 'drift_detected';
  readonly accounts_compared: number;
  readonly mismatches: Array<{ account_id: string; ledger: number; reference: number }>;
}

export const MISMATCHES_LISTED_MAX = 50;

export function reconcile(ledger: ReadonlyMap<string, number>, reference: ReadonlyMap<string, number>): ReconciliationReport {
  const ids = new Set([...ledger.keys(), ...reference.keys()]);
  let drift = 0;
  let total = 0;
  const mismatches: ReconciliationReport['mismatches'] = [];
  for (const id of [...ids].sort()) {
    const l = ledger.get(id) ?? 0;
    const r = reference.get(id) ?? 0;
    total += Math.abs(l);
    if (l !== r) {
      drift += Math.abs(l - r);
      if (mismatches.length < MISMATCHES_LISTED_MAX) mismatches.push({ account_id: id, ledger: l, reference: r });
    }
  }
  return {
    drift_amount: drift,
    drift_pct: total === 0 ? 0 : Math.round((drift / total) * 1e8) / 1e6,
    status: drift === 0 ? 'matched' : 'drift_detected',
    accounts_compared: ids.size,
    mismatches,
  };
}

/** Parses `account_id,balance` lines (a header line is allowed). */
export function parseStatement(csv: string): Map<string, number> {
  const out = new Map<string, number>();
  csv.split(/\r?\n/).forEach((line, i) => {
    const trimmed = line.trim();
    if (trimmed === '' || (i === 0 && /account/i.test(trimmed))) return;
    const [id, amount] = trimmed.split(',').map((s) => s.trim());
    const n = Number(amount);
    if (!id || !Number.isSafeInteger(n)) throw refuse(`statement.line ${i + 1}`, 'format', 'must be account_id,integer_balance');
    out.set(id, n);
  });
  return out;
}
