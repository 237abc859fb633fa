// The double-entry ledger: transactions of two or more entries that sum to zero per unit, posted
// in batches that succeed or fail together, idempotent by key, append-only. Balances are kept per
// account in the same transaction. The balance rule is asserted in code before writing and again
// by the database (SQLite: a verification query in the write transaction; PostgreSQL: a deferred
// constraint trigger at commit).
import { canonicalHash, deterministicUuid, type ValidationIssue } from '@kush/contracts';
import { sql } from 'kysely';
import type { Db } from './accounts.js';
import { TreasuryError, refuse } from './treasury-error.js';

/** Rows per multi-row INSERT (6 values per entry row; SQLite allows 32,766 bound values). */
const ENTRY_INSERT_ROWS_MAX = 2_000;
export const ENTRIES_PER_TRANSACTION_MAX = 1_000;

export interface EntryInput {
  readonly account_id: string;
  /** Signed integer in the account's minor unit: negative = debited side, positive = credited side. */
  readonly amount: number;
}

export interface TransactionInput {
  readonly idempotency_key: string;
  readonly entries: readonly EntryInput[];
  readonly reference_id: string;
  readonly policy_bundle_id: string;
  readonly created_at: string;
}

export interface PostedTransaction {
  readonly transaction_id: string;
  readonly duplicate: boolean;
  /** venture.ledger.entry_created.v1 payloads, one per debit/credit pair. */
  readonly entry_events: Array<Record<string, unknown>>;
}

function bodyHash(t: TransactionInput): string {
  return canonicalHash({ entries: t.entries, reference_id: t.reference_id, policy_bundle_id: t.policy_bundle_id });
}

/** Pairs the negative and positive entries of a transaction into debit -> credit legs. */
function legs(transactionId: string, t: TransactionInput): Array<Record<string, unknown>> {
  const debits = t.entries.filter((e) => e.amount < 0).map((e) => ({ id: e.account_id, left: -e.amount }));
  const credits = t.entries.filter((e) => e.amount > 0).map((e) => ({ id: e.account_id, left: e.amount }));
  const out: Array<Record<string, unknown>> = [];
  let i = 0;
  let j = 0;
  while (i < debits.length && j < credits.length) {
    const amount = Math.min(debits[i]!.left, credits[j]!.left);
    out.push({
      entry_id: deterministicUuid('treasury.leg', transactionId, out.length),
      debit_account: debits[i]!.id,
      credit_account: credits[j]!.id,
      amount,
      reference_id: t.reference_id,
      policy_bundle_id: t.policy_bundle_id,
    });
    debits[i]!.left -= amount;
    credits[j]!.left -= amount;
    if (debits[i]!.left === 0) i++;
    if (credits[j]!.left === 0) j++;
  }
  return out;
}

/**
 * Posts a batch of transactions in the caller's database transaction: all or none. A key posted
 * before with the same body returns its original transaction; with another body it is refused.
 */
export async function postTransactions(trx: Db, workspace: string, inputs: readonly TransactionInput[]): Promise<PostedTransaction[]> {
  const issues: ValidationIssue[] = [];
  const accountIds = new Set<string>();
  inputs.forEach((t, ti) => {
    const at = `transactions.${ti}`;
    if (typeof t.idempotency_key !== 'string' || t.idempotency_key.length === 0 || t.idempotency_key.length > 256)
      issues.push({
        path: `${at}.idempotency_key`,
        rule: 'min_length',
        message: `${at}.idempotency_key: must be a non-empty string of at most 256 characters`,
      });
    if (!Array.isArray(t.entries) || t.entries.length < 2)
      issues.push({ path: `${at}.entries`, rule: 'min_items', message: `${at}.entries: a transaction has at least 2 entries` });
    else if (t.entries.length > ENTRIES_PER_TRANSACTION_MAX)
      issues.push({ path: `${at}.entries`, rule: 'max_items', message: `${at}.entries: at most ${ENTRIES_PER_TRANSACTION_MAX} entries` });
    else
      t.entries.forEach((e, ei) => {
        if (!Number.isSafeInteger(e.amount) || e.amount === 0)
          issues.push({
            path: `${at}.entries.${ei}.amount`,
            rule: 'integer',
            message: `${at}.entries.${ei}.amount: must be a non-zero integer in the account's minor unit`,
          });
        accountIds.add(e.account_id);
      });
  });
  if (issues.length > 0) throw new TreasuryError(issues);

  // Accounts: exist, active, and their units decide what must balance.
  const ids = [...accountIds];
  const accounts = new Map<string, { unit: string; state: string; no_overdraft: number; balance: number }>();
  for (let i = 0; i < ids.length; i += 1000) {
    const rows = await trx
      .selectFrom('treasury_accounts')
      .select(['account_id', 'unit', 'state', 'no_overdraft', 'balance'])
      .where('workspace_id', '=', workspace)
      .where('account_id', 'in', ids.slice(i, i + 1000))
      .execute();
    for (const r of rows)
      accounts.set(r.account_id, { unit: r.unit, state: r.state, no_overdraft: r.no_overdraft, balance: Number(r.balance) });
  }
  inputs.forEach((t, ti) => {
    const sums = new Map<string, number>();
    const before = issues.length;
    t.entries.forEach((e, ei) => {
      const a = accounts.get(e.account_id);
      const path = `transactions.${ti}.entries.${ei}.account_id`;
      if (!a)
        issues.push({ path, rule: 'unknown_account', message: `${path}: ${e.account_id} is not an account of workspace ${workspace}` });
      else if (a.state !== 'active')
        issues.push({ path, rule: 'account_state', message: `${path}: ${e.account_id} is ${a.state}; only active accounts take entries` });
      else sums.set(a.unit, (sums.get(a.unit) ?? 0) + e.amount);
    });
    // Balance is judged only when every account is known and open.
    if (issues.length > before) return;
    for (const [unit, sum] of sums) {
      if (sum !== 0)
        issues.push({
          path: `transactions.${ti}.entries`,
          rule: 'balanced',
          message: `transactions.${ti}.entries: ${unit} entries sum to ${sum}; each unit must sum to zero`,
        });
    }
  });
  if (issues.length > 0) throw new TreasuryError(issues);

  // Idempotency: keys seen before.
  const keys = inputs.map((t) => t.idempotency_key);
  const existing = new Map<string, { transaction_id: string; body_hash: string }>();
  for (let i = 0; i < keys.length; i += 1000) {
    const rows = await trx
      .selectFrom('treasury_transactions')
      .select(['idempotency_key', 'transaction_id', 'body_hash'])
      .where('workspace_id', '=', workspace)
      .where('idempotency_key', 'in', keys.slice(i, i + 1000))
      .execute();
    for (const r of rows) existing.set(r.idempotency_key, r);
  }
  const results: PostedTransaction[] = [];
  const fresh: Array<{ t: TransactionInput; id: string; hash: string }> = [];
  const seenKeys = new Set<string>();
  inputs.forEach((t, ti) => {
    const hash = bodyHash(t);
    const prior = existing.get(t.idempotency_key);
    if (prior) {
      if (prior.body_hash !== hash)
        issues.push({
          path: `transactions.${ti}.idempotency_key`,
          rule: 'idempotency_conflict',
          message: `transactions.${ti}.idempotency_key: ${t.idempotency_key} was used for a different transaction`,
        });
      results.push({ transaction_id: prior.transaction_id, duplicate: true, entry_events: [] });
      return;
    }
    if (seenKeys.has(t.idempotency_key)) {
      issues.push({
        path: `transactions.${ti}.idempotency_key`,
        rule: 'unique',
        message: `transactions.${ti}.idempotency_key: repeated within the batch`,
      });
      return;
    }
    seenKeys.add(t.idempotency_key);
    const id = deterministicUuid('treasury.transaction', workspace, t.idempotency_key);
    fresh.push({ t, id, hash });
    results.push({ transaction_id: id, duplicate: false, entry_events: legs(id, t) });
  });
  if (issues.length > 0) throw new TreasuryError(issues);
  if (fresh.length === 0) return results;

  // Balances after the batch; no-overdraft accounts must not go below zero.
  const deltas = new Map<string, number>();
  for (const { t } of fresh) for (const e of t.entries) deltas.set(e.account_id, (deltas.get(e.account_id) ?? 0) + e.amount);
  for (const [id, delta] of deltas) {
    const a = accounts.get(id)!;
    const after = a.balance + delta;
    if (!Number.isSafeInteger(after)) throw refuse('entries', 'overflow', `${id} would exceed the largest exact integer`);
    if (a.no_overdraft && after < 0) throw refuse('entries', 'no_overdraft', `${id} would go to ${after}; it may not be overdrawn`);
  }

  for (let i = 0; i < fresh.length; i += 1000) {
    await trx
      .insertInto('treasury_transactions')
      .values(
        fresh.slice(i, i + 1000).map(({ t, id, hash }) => ({
          workspace_id: workspace,
          transaction_id: id,
          idempotency_key: t.idempotency_key,
          body_hash: hash,
          reference_id: t.reference_id,
          policy_bundle_id: t.policy_bundle_id,
          created_at: t.created_at,
        })),
      )
      .execute();
  }
  const entryRows = fresh.flatMap(({ t, id }) =>
    t.entries.map((e, position) => ({
      workspace_id: workspace,
      transaction_id: id,
      position,
      account_id: e.account_id,
      unit: accounts.get(e.account_id)!.unit,
      amount: e.amount,
    })),
  );
  for (let i = 0; i < entryRows.length; i += ENTRY_INSERT_ROWS_MAX) {
    await trx
      .insertInto('treasury_entries')
      .values(entryRows.slice(i, i + ENTRY_INSERT_ROWS_MAX))
      .execute();
  }
  // Rows locked in one global order (sorted ids), so concurrent batches cannot deadlock.
  for (const [id, delta] of [...deltas].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (delta === 0) continue;
    await trx
      .updateTable('treasury_accounts')
      .set((eb) => ({ balance: eb('balance', '+', delta) }))
      .where('workspace_id', '=', workspace)
      .where('account_id', '=', id)
      .execute();
  }
  // The same rule, asked of the stored rows: no posted transaction may be out of balance.
  const freshIds = fresh.map((f) => f.id);
  for (let i = 0; i < freshIds.length; i += 1000) {
    const unbalanced = await trx
      .selectFrom('treasury_entries')
      .select(['transaction_id', 'unit', sql<number>`SUM(amount)`.as('total')])
      .where('workspace_id', '=', workspace)
      .where('transaction_id', 'in', freshIds.slice(i, i + 1000))
      .groupBy(['transaction_id', 'unit'])
      .having(sql`SUM(amount)`, '<>', 0)
      .execute();
    if (unbalanced.length > 0) throw refuse('entries', 'balanced', `stored transaction ${unbalanced[0]!.transaction_id} does not balance`);
  }
  return results;
}

/** The sum over all entries per unit: zero, always, if the ledger is sound. */
export async function ledgerTotals(db: Db, workspace: string): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('treasury_entries')
    .select(['unit', sql<number>`SUM(amount)`.as('total')])
    .where('workspace_id', '=', workspace)
    .groupBy('unit')
    .execute();
  return new Map(rows.map((r) => [r.unit, Number(r.total)]));
}

export async function listEntries(db: Db, workspace: string, limit = 1000) {
  return db
    .selectFrom('treasury_entries')
    .innerJoin('treasury_transactions', (j) =>
      j
        .onRef('treasury_transactions.transaction_id', '=', 'treasury_entries.transaction_id')
        .onRef('treasury_transactions.workspace_id', '=', 'treasury_entries.workspace_id'),
    )
    .select([
      'treasury_entries.transaction_id',
      'treasury_entries.position',
      'treasury_entries.account_id',
      'treasury_entries.unit',
      'treasury_entries.amount',
      'treasury_transactions.reference_id',
      'treasury_transactions.created_at',
    ])
    .where('treasury_entries.workspace_id', '=', workspace)
    .orderBy('treasury_transactions.created_at')
    .orderBy('treasury_entries.transaction_id')
    .orderBy('treasury_entries.position')
    .limit(limit)
    .execute();
}
