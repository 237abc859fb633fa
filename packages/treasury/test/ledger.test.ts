// The ledger on both databases: balanced, idempotent, append-only, all-or-nothing, refusals
// naming the field, and a property over random posting sequences.
import { randomBytes } from 'node:crypto';
import { integrationTarget, openDatabase, type Database } from '@kush/runtime';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  TreasuryError,
  allocateBudget,
  balances,
  consumeBudget,
  ensureAccounts,
  ledgerTotals,
  migrateTreasury,
  postTransactions,
  reconcile,
  parseStatement,
  setAccountState,
  type TransactionInput,
  type TreasuryTables,
} from '@kush/treasury';

const pgUrl = await integrationTarget('postgres');
const targets: Array<[string, () => Promise<Database<TreasuryTables>>]> = [
  ['sqlite', () => openDatabase<TreasuryTables>({ sqlitePath: ':memory:' })],
];
if (pgUrl)
  targets.push(['postgres', () => openDatabase<TreasuryTables>({ url: pgUrl, schema: `treasury_test_${randomBytes(4).toString('hex')}` })]);

const tx = (key: string, entries: Array<[string, number]>): TransactionInput => ({
  idempotency_key: key,
  entries: entries.map(([account_id, amount]) => ({ account_id, amount })),
  reference_id: `ref:${key}`,
  policy_bundle_id: 'default@1',
  created_at: '2026-01-01T00:00:00.000Z',
});

describe.each(targets)('treasury on %s', (_name, open) => {
  let database: Database<TreasuryTables>;
  const post = (inputs: TransactionInput[]) => database.db.transaction().execute((trx) => postTransactions(trx, 'acme', inputs));
  const issuesOf = async (p: Promise<unknown>) => {
    try {
      await p;
      return [];
    } catch (error) {
      if (error instanceof TreasuryError) return error.issues.map((i) => `${i.path}:${i.rule}`);
      throw error;
    }
  };
  beforeAll(async () => {
    database = await open();
    await migrateTreasury(database as never);
    await ensureAccounts(database.db, 'acme', [
      { account_id: 'cash', account_type: 'asset', unit: 'uEAU' },
      { account_id: 'equity', account_type: 'equity', unit: 'uEAU' },
      { account_id: 'tools', account_type: 'expense', unit: 'uEAU', no_overdraft: true },
      { account_id: 'energy', account_type: 'asset', unit: 'mJ' },
      { account_id: 'closed', account_type: 'asset', unit: 'uEAU' },
    ]);
    await setAccountState(database.db, 'acme', 'closed', 'closed');
  });
  afterAll(async () => {
    if (database.dialect === 'postgres') await sql.raw(`DROP SCHEMA ${database.schema} CASCADE`).execute(database.db);
    await database.close();
  });

  it('posts balanced transactions, keeps balances, and returns entry_created payloads', async () => {
    const [posted] = await post([
      tx('t1', [
        ['equity', -1000],
        ['cash', 1000],
      ]),
    ]);
    expect(posted!.duplicate).toBe(false);
    expect(posted!.entry_events).toEqual([
      expect.objectContaining({ debit_account: 'equity', credit_account: 'cash', amount: 1000, reference_id: 'ref:t1' }),
    ]);
    const b = await balances(database.db, 'acme');
    expect([b.get('cash'), b.get('equity')]).toEqual([1000, -1000]);
  });

  it('is idempotent by key, and refuses a key reused for another body', async () => {
    const [again] = await post([
      tx('t1', [
        ['equity', -1000],
        ['cash', 1000],
      ]),
    ]);
    expect(again!.duplicate).toBe(true);
    expect((await balances(database.db, 'acme')).get('cash')).toBe(1000);
    expect(
      await issuesOf(
        post([
          tx('t1', [
            ['equity', -5],
            ['cash', 5],
          ]),
        ]),
      ),
    ).toEqual(['transactions.0.idempotency_key:idempotency_conflict']);
  });

  it('refuses bad input naming the field, and writes nothing of the batch', async () => {
    expect(
      await issuesOf(
        post([
          tx('u1', [
            ['cash', -10],
            ['equity', 9],
          ]),
        ]),
      ),
    ).toEqual(['transactions.0.entries:balanced']);
    expect(
      await issuesOf(
        post([
          tx('u2', [
            ['cash', -1.5],
            ['equity', 1.5],
          ]),
        ]),
      ),
    ).toContain('transactions.0.entries.0.amount:integer');
    expect(
      await issuesOf(
        post([
          tx('u3', [
            ['nowhere', -1],
            ['cash', 1],
          ]),
        ]),
      ),
    ).toEqual(['transactions.0.entries.0.account_id:unknown_account']);
    expect(
      await issuesOf(
        post([
          tx('u4', [
            ['closed', -1],
            ['cash', 1],
          ]),
        ]),
      ),
    ).toEqual(['transactions.0.entries.0.account_id:account_state']);
    expect(
      await issuesOf(
        post([
          tx('u5', [
            ['energy', -1],
            ['cash', 1],
          ]),
        ]),
      ),
    ).toEqual(['transactions.0.entries:balanced', 'transactions.0.entries:balanced']);
    expect(
      await issuesOf(
        post([
          tx('u6', [
            ['tools', -1],
            ['cash', 1],
          ]),
        ]),
      ),
    ).toEqual(['entries:no_overdraft']);
    // A good transaction in a batch with a bad one is not written either.
    expect(
      await issuesOf(
        post([
          tx('u7', [
            ['equity', -1],
            ['cash', 1],
          ]),
          tx('u8', [['cash', -1]]),
        ]),
      ),
    ).toEqual(['transactions.1.entries:min_items']);
    const count = await database.db
      .selectFrom('treasury_transactions')
      .select(database.db.fn.countAll<number>().as('n'))
      .executeTakeFirst();
    expect(Number(count!.n)).toBe(1);
  });

  it('refuses updates and deletes of entries (append-only)', async () => {
    await expect(database.db.updateTable('treasury_entries').set({ amount: 1 }).execute()).rejects.toThrow(/append-only/);
    await expect(database.db.deleteFrom('treasury_entries').execute()).rejects.toThrow(/append-only/);
  });

  it('keeps the total per unit at zero over random posting sequences', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(
            fc.constantFrom('cash', 'equity', 'tools'),
            fc.constantFrom('cash', 'equity', 'tools'),
            fc.integer({ min: 1, max: 1e6 }),
          ),
          { maxLength: 8 },
        ),
        async (moves) => {
          const batch = moves
            .filter(([a, b]) => a !== b)
            .map(([a, b, amount]) =>
              tx(`p${n++}`, [
                [a, -amount],
                [b, amount],
              ]),
            );
          await issuesOf(post(batch));
          for (const total of (await ledgerTotals(database.db, 'acme')).values()) expect(total).toBe(0);
          expect((await balances(database.db, 'acme')).get('tools')! >= 0).toBe(true);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('budgets: charges within the allocation, refuses and reports the overage past it', async () => {
    await allocateBudget(database.db, 'acme', 1000);
    expect(await consumeBudget(database.db, 'acme', 600)).toEqual({ ok: true, spent_ueau: 600 });
    expect(await consumeBudget(database.db, 'acme', 600)).toEqual({
      ok: false,
      budget_limit: 1000,
      actual_spend: 1200,
      overage_amount: 200,
    });
    expect(await consumeBudget(database.db, 'acme', 400)).toEqual({ ok: true, spent_ueau: 1000 });
  });
});

describe('reconciliation', () => {
  it('reports drift against a statement', () => {
    const ledger = new Map([
      ['a', 10],
      ['b', -10],
    ]);
    expect(reconcile(ledger, parseStatement('account_id,balance\na,10\nb,-10\n'))).toMatchObject({ drift_amount: 0, status: 'matched' });
    expect(reconcile(ledger, parseStatement('a,7\nb,-10'))).toMatchObject({ drift_amount: 3, drift_pct: 15, status: 'drift_detected' });
  });
});
