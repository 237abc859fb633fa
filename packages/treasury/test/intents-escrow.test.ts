// Default-deny spending against money intents, and escrow settled by a judiciary, on both databases.
import { randomBytes } from 'node:crypto';
import { integrationTarget, openDatabase, type Database } from '@kush/runtime';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  TreasuryError,
  authorizeSpend,
  balances,
  createIntent,
  ensureAccounts,
  holdEscrow,
  migrateTreasury,
  postTransactions,
  setIntentStatus,
  settleEscrow,
  spend,
  type TreasuryTables,
} from '@kush/treasury';

const pgUrl = await integrationTarget('postgres');
const targets: Array<[string, () => Promise<Database<TreasuryTables>>]> = [
  ['sqlite', () => openDatabase<TreasuryTables>({ sqlitePath: ':memory:' })],
];
if (pgUrl)
  targets.push([
    'postgres',
    () => openDatabase<TreasuryTables>({ url: pgUrl, schema: `treasury_intents_${randomBytes(4).toString('hex')}` }),
  ]);

const WF = '0b8f9a7e-6d5c-5b4a-8392-a1b2c3d4e5f6';
const T0 = 1_800_000_000_000;

describe.each(targets)('intents and escrow on %s', (_name, open) => {
  let database: Database<TreasuryTables>;
  const spendOf = (amount: number, key: string, intent_id: string | undefined = 'i1', now = T0) =>
    database.db.transaction().execute((trx) =>
      spend(
        trx,
        'acme',
        {
          intent_id,
          amount,
          from_account: 'budget',
          to_account: 'tools',
          idempotency_key: key,
          reference_id: key,
          policy_bundle_id: 'default@1',
          created_at: '2026-11-01T00:00:00.000Z',
        },
        now,
      ),
    );
  const reasonOf = async (p: Promise<unknown>) => {
    try {
      await p;
      return 'approved';
    } catch (error) {
      if (error instanceof TreasuryError) return error.issues[0]!.rule;
      throw error;
    }
  };
  beforeAll(async () => {
    database = await open();
    await migrateTreasury(database as never);
    await ensureAccounts(database.db, 'acme', [
      { account_id: 'equity', account_type: 'equity', unit: 'uEAU' },
      { account_id: 'budget', account_type: 'asset', unit: 'uEAU', no_overdraft: true },
      { account_id: 'tools', account_type: 'expense', unit: 'uEAU' },
      { account_id: 'vendor', account_type: 'asset', unit: 'uEAU' },
    ]);
    await postTransactions(database.db, 'acme', [
      {
        idempotency_key: 'fund',
        entries: [
          { account_id: 'equity', amount: -10_000 },
          { account_id: 'budget', amount: 10_000 },
        ],
        reference_id: 'fund',
        policy_bundle_id: 'default@1',
        created_at: '2026-11-01T00:00:00.000Z',
      },
    ]);
    await createIntent(
      database.db,
      'acme',
      {
        intent_id: 'i1',
        workflow_id: WF,
        scope_type: 'workflow',
        scope_id: WF,
        cap_amount: 1_000,
        window: 'hourly',
        ttl_ms: 60_000,
        velocity_limit: 3,
      },
      T0,
    );
  });
  afterAll(async () => {
    if (database.dialect === 'postgres') await sql.raw(`DROP SCHEMA ${database.schema} CASCADE`).execute(database.db);
    await database.close();
  });

  it('denies by default: no intent, or an intent not yet approved', async () => {
    expect(await reasonOf(spendOf(10, 'a0', undefined))).toBe('rejected_policy');
    expect(await reasonOf(spendOf(10, 'a1'))).toBe('rejected_policy');
  });

  it('approves within the cap, refuses past it, and enforces the velocity limit', async () => {
    await setIntentStatus(database.db, 'acme', 'i1', 'approved');
    expect(await reasonOf(spendOf(400, 'b1'))).toBe('approved');
    expect(await reasonOf(spendOf(400, 'b2'))).toBe('approved');
    expect(await reasonOf(spendOf(400, 'b3'))).toBe('rejected_budget');
    expect(await reasonOf(spendOf(100, 'b4'))).toBe('approved');
    expect(await reasonOf(spendOf(10, 'b5'))).toBe('rejected_policy'); // 4th spend in the hour
    expect((await balances(database.db, 'acme')).get('tools')).toBe(900);
  });

  it('refuses expired and revoked intents', async () => {
    expect((await authorizeSpend(database.db, 'acme', 'i1', 1, T0 + 61_000)).reason_code).toBe('expired');
    await setIntentStatus(database.db, 'acme', 'i1', 'revoked');
    expect((await authorizeSpend(database.db, 'acme', 'i1', 1, T0)).reason_code).toBe('revoked');
  });

  it('holds escrow and releases it when every judiciary check passes', async () => {
    await holdEscrow(
      database.db,
      'acme',
      {
        escrow_id: 'e1',
        contract_id: 'c1',
        payer_account: 'budget',
        payee_account: 'vendor',
        amount: 500,
        unit: 'uEAU',
        expires_at_ms: T0 + 1000,
      },
      '2026-11-01T00:00:00.000Z',
    );
    expect((await balances(database.db, 'acme')).get('escrow:e1')).toBe(500);
    expect(
      await settleEscrow(
        database.db,
        'acme',
        'e1',
        [
          { name: 'tests', passed: true },
          { name: 'lint', passed: true },
        ],
        T0,
        '2026-11-01T00:00:00.000Z',
      ),
    ).toBe('released');
    expect((await balances(database.db, 'acme')).get('vendor')).toBe(500);
    expect(await settleEscrow(database.db, 'acme', 'e1', [], T0, '2026-11-01T00:00:00.000Z')).toBe('released'); // settled once
  });

  it('refunds escrow on a failed check or after expiry', async () => {
    const before = (await balances(database.db, 'acme')).get('budget')!;
    await holdEscrow(
      database.db,
      'acme',
      {
        escrow_id: 'e2',
        contract_id: 'c2',
        payer_account: 'budget',
        payee_account: 'vendor',
        amount: 300,
        unit: 'uEAU',
        expires_at_ms: T0 + 1000,
      },
      '2026-11-01T00:00:00.000Z',
    );
    expect(await settleEscrow(database.db, 'acme', 'e2', [{ name: 'tests', passed: false }], T0, '2026-11-01T00:00:00.000Z')).toBe(
      'refunded',
    );
    await holdEscrow(
      database.db,
      'acme',
      {
        escrow_id: 'e3',
        contract_id: 'c3',
        payer_account: 'budget',
        payee_account: 'vendor',
        amount: 200,
        unit: 'uEAU',
        expires_at_ms: T0 + 1000,
      },
      '2026-11-01T00:00:00.000Z',
    );
    expect(await settleEscrow(database.db, 'acme', 'e3', [{ name: 'tests', passed: true }], T0 + 5000, '2026-11-01T00:00:00.000Z')).toBe(
      'refunded',
    );
    expect((await balances(database.db, 'acme')).get('budget')).toBe(before);
  });
});
