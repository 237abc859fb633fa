// The relay's own rules, with simple ledger and budget ports over plain tables in the same SQLite
// transaction (the integrated tests in apps/cli drive the real treasury).
import { ComplianceMachine, migrateCompliance } from '@kush/compliance';
import { createEnvelope, deterministicUuid, validateEnvelope, type EventEnvelopeV1 } from '@kush/contracts';
import { openDatabase } from '@kush/runtime';
import { describe, expect, it } from 'vitest';
import { Relay, migrateRelay, type BudgetPort, type LedgerPort } from '@kush/relay';

const RUN = deterministicUuid('relay.test.run');
const civ = (tick: number, n: number, type: string, payload: Record<string, unknown>, bundle = 'default@1'): EventEnvelopeV1 =>
  createEnvelope({
    event_id: deterministicUuid('relay.test', tick, n),
    event_type: type,
    workflow_id: RUN,
    task_id: deterministicUuid('relay.test.tick', tick),
    trace_id: deterministicUuid('relay.test.trace'),
    policy_bundle_id: bundle,
    payload: { tick_id: tick, ...payload },
    created_at: `2026-01-01T0${tick}:00:00.000Z`,
  });

const transfer = (tick: number, n: number, amount: number) =>
  civ(tick, n, 'civ.economy.transfer_booked.v1', {
    sender_id: 'firm:1',
    receiver_id: 'citizen:1',
    amount,
    transfer_reason: 'wage',
    ledger_account_pair: { debit_account: 'firm:1', credit_account: 'citizen:1' },
  });
const energy = (tick: number, n: number, mj: number) =>
  civ(tick, n, 'civ.energy.consumed.v1', {
    consumer_entity_id: 'region:1',
    energy_qty: mj,
    source_type: 'fossil',
    consumption_reason: 'household',
  });

async function setup(quota: number) {
  const database = await openDatabase({ sqlitePath: ':memory:' });
  await migrateRelay(database);
  await migrateCompliance(database);
  const posted: number[] = [];
  let spent = 0;
  const ledger: LedgerPort = {
    postTransfers: async (_trx, _ws, bundle, transfers) =>
      transfers.map((t) => {
        posted.push(t.amount_mj);
        return {
          entry_id: deterministicUuid('e', t.idempotency_key),
          debit_account: t.sender_id,
          credit_account: t.receiver_id,
          amount: t.amount_mj,
          reference_id: t.reference_id,
          policy_bundle_id: bundle,
        };
      }),
  };
  const budget: BudgetPort = {
    consume: async (_trx, charge) => {
      spent += charge.amount_ueau;
      return spent <= quota ? { ok: true } : { ok: false, budget_limit: quota, actual_spend: spent, overage_amount: spent - quota };
    },
  };
  const exceeded: number[] = [];
  const relay = new Relay({
    workspace: 'acme',
    runId: RUN,
    pinnedBundleId: 'default@1',
    ledger,
    budget,
    compliance: new ComplianceMachine({ workspace: 'acme' }),
    onBudgetExceeded: (tick) => exceeded.push(tick),
  });
  const apply = (tick: number, events: EventEnvelopeV1[]) => database.db.transaction().execute((trx) => relay.applyTick(trx, tick, events));
  return { database, apply, posted, exceeded };
}

describe('Relay.applyTick', () => {
  it('relays every event, mirrors transfers (flow A) and charges energy (flow E)', async () => {
    const { apply, posted } = await setup(1_000_000);
    const outcome = await apply(1, [transfer(1, 0, 500), transfer(1, 1, 700), energy(1, 2, 1000)]);
    expect(outcome.applied).toBe(true);
    expect(posted).toEqual([500, 700]);
    expect(outcome.energy_cost_ueau).toBe(1500);
    const types = outcome.events.map((e) => e.event_type);
    expect(types.filter((t) => t.startsWith('venture.civ.'))).toHaveLength(3);
    expect(types.filter((t) => t === 'venture.ledger.entry_created.v1')).toHaveLength(2);
    for (const e of outcome.events) expect(validateEnvelope(e)).toMatchObject({ ok: true });
  });

  it('applies a tick once: a second application (a restart) changes nothing', async () => {
    const { apply, posted } = await setup(1_000_000);
    await apply(1, [transfer(1, 0, 500)]);
    const again = await apply(1, [transfer(1, 0, 500)]);
    expect(again).toMatchObject({ applied: false, events: [] });
    expect(posted).toEqual([500]);
  });

  it('emits budget.exceeded and calls the remediation hook over quota', async () => {
    const { apply, exceeded } = await setup(1000);
    const outcome = await apply(1, [energy(1, 0, 1000)]);
    expect(outcome.budget_exceeded).toBe(true);
    expect(exceeded).toEqual([1]);
    const event = outcome.events.find((e) => e.event_type === 'venture.budget.exceeded.v1')!;
    expect(event.payload).toEqual({ workspace_id: 'acme', budget_limit: 1000, actual_spend: 1500, overage_amount: 500 });
  });

  it('reports an event under another policy bundle as drift and a violation', async () => {
    const { apply } = await setup(1_000_000);
    const outcome = await apply(1, [
      civ(
        1,
        0,
        'civ.economy.price_changed.v1',
        { market_type: 'goods', price_before: 1, price_after: 2, price_change_pct: 100, reason: 'shock' },
        'default@2',
      ),
    ]);
    const types = outcome.events.map((e) => e.event_type);
    expect(types).toContain('venture.compliance.policy_drift.v1');
    expect(types).toContain('venture.compliance.violation_detected.v1');
  });

  it('derives identical outputs from identical inputs', async () => {
    const a = await setup(1_000_000);
    const b = await setup(1_000_000);
    const events = [transfer(1, 0, 5), energy(1, 1, 10)];
    expect((await a.apply(1, events)).events).toEqual((await b.apply(1, events)).events);
  });
});
