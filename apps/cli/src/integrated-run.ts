// The integrated system in one process (taxonomy parts 3 and 4): the simulation's events go to the
// event log, the relay turns each tick into Venture effects inside one database transaction
// (ledger mirror, budget, compliance, user signals) with its derived events in an outbox, and the
// run ends with a reconciliation of the Venture ledger against the simulation's own balances.
// Everything is keyed by deterministic ids, so a run killed at any point and started again with
// the same arguments finishes with the same state and no entry twice.
import { ComplianceMachine, complianceSummary, migrateCompliance, verifyAuditLog } from '@kush/compliance';
import { canonicalHash, createEnvelope, deterministicUuid, type EventEnvelopeV1 } from '@kush/contracts';
import { Simulation, type Scenario, type TickMetrics } from '@kush/civ';
import { openBus } from '@kush/bus';
import { Relay, drainOutbox, enqueueOutbox, migrateRelay, type BudgetPort, type LedgerPort } from '@kush/relay';
import type { Database } from '@kush/runtime';
import {
  allocateBudget,
  balances,
  budgetOf,
  consumeBudget,
  ensureAccounts,
  ledgerTotals,
  migrateTreasury,
  postTransactions,
  reconcile,
  type ReconciliationReport,
} from '@kush/treasury';
import type { Kysely } from 'kysely';

export interface IntegratedRunOptions {
  readonly scenario: Scenario;
  readonly seed: number;
  readonly ticks: number;
  readonly workspace: string;
  readonly budgetUeau: number;
  /** Taxonomy 3.3: when flow E exceeds the quota, raise the simulation's energy rationing. */
  readonly feedbackLoop: boolean;
  readonly onTick?: (tick: number, metrics: TickMetrics | undefined) => void;
  /** nats://... to publish on NATS JetStream; undefined for the embedded bus. */
  readonly busUrl?: string | undefined;
  /** NATS stream prefix (test isolation on a shared server). */
  readonly natsPrefix?: string | undefined;
}

export interface IntegratedRunSummary {
  run_id: string;
  workspace: string;
  ticks: number;
  event_count: number;
  civ_event_count: number;
  final_state_hash: string;
  ledger_transactions: number;
  ledger_totals: Record<string, number>;
  ledger_drift: number;
  ledger_drift_pct: number;
  reconciliation_status: string;
  cases_open: number;
  cases_closed: number;
  violations: number;
  audit_entries: number;
  audit_chain_ok: boolean;
  budget_limit_ueau: number;
  budget_used_ueau: number;
  budget_exceeded_ticks: number;
  venture_state_hash: string;
  metrics?: TickMetrics;
}

const OPENING_ACCOUNT = 'civ:opening_equity';

/** Flow A's port over the treasury: one mJ transaction per CIV transfer, accounts opened on sight. */
function ledgerPort(): LedgerPort {
  return {
    async postTransfers(trx, workspace, policyBundleId, transfers) {
      const ids = new Set<string>();
      for (const t of transfers) ids.add(t.sender_id).add(t.receiver_id);
      await ensureAccounts(
        trx,
        workspace,
        [...ids].map((id) => ({ account_id: id, account_type: id.startsWith('civ:') ? 'equity' : 'asset', unit: 'mJ' })),
      );
      const posted = await postTransactions(
        trx,
        workspace,
        transfers.map((t) => ({
          idempotency_key: t.idempotency_key,
          entries: [
            { account_id: t.sender_id, amount: -t.amount_mj },
            { account_id: t.receiver_id, amount: t.amount_mj },
          ],
          reference_id: t.reference_id,
          policy_bundle_id: policyBundleId,
          created_at: t.created_at,
        })),
      );
      return posted.flatMap((p) => p.entry_events);
    },
  };
}

function budgetPort(): BudgetPort {
  return {
    async consume(trx, charge) {
      const outcome = await consumeBudget(trx, charge.workspace, charge.amount_ueau);
      return outcome.ok ? { ok: true } : outcome;
    },
  };
}

function envelopeFor(
  sim: Simulation,
  eventType: string,
  payload: Record<string, unknown>,
  key: string,
  createdAt: string,
  taskId?: string,
): EventEnvelopeV1 {
  return createEnvelope({
    event_id: deterministicUuid('kush.run', sim.runId, key),
    event_type: eventType,
    workflow_id: sim.runId,
    task_id: taskId ?? deterministicUuid('kush.run.task', sim.runId),
    trace_id: sim.traceId,
    policy_bundle_id: sim.policyBundleId,
    payload,
    created_at: createdAt,
  });
}

/** A hash over the Venture state a replay must rebuild: ledger, budgets, compliance records. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function ventureStateHash(db: Kysely<any>, workspace: string): Promise<string> {
  const rows = {
    accounts: await db
      .selectFrom('treasury_accounts')
      .select(['account_id', 'unit', 'balance'])
      .where('workspace_id', '=', workspace)
      .orderBy('account_id')
      .execute(),
    transactions: await db
      .selectFrom('treasury_transactions')
      .select(['transaction_id', 'reference_id'])
      .where('workspace_id', '=', workspace)
      .orderBy('transaction_id')
      .execute(),
    entries: await db
      .selectFrom('treasury_entries')
      .select(['transaction_id', 'position', 'account_id', 'amount'])
      .where('workspace_id', '=', workspace)
      .orderBy('transaction_id')
      .orderBy('position')
      .execute(),
    budgets: await db.selectFrom('treasury_budgets').select(['limit_ueau', 'spent_ueau']).where('workspace_id', '=', workspace).execute(),
    cases: await db.selectFrom('compliance_cases').selectAll().where('workspace_id', '=', workspace).orderBy('case_id').execute(),
    evidence: await db
      .selectFrom('compliance_evidence')
      .selectAll()
      .where('workspace_id', '=', workspace)
      .orderBy('case_id')
      .orderBy('position')
      .execute(),
    violations: await db
      .selectFrom('compliance_violations')
      .selectAll()
      .where('workspace_id', '=', workspace)
      .orderBy('violation_id')
      .execute(),
    audit: await db.selectFrom('compliance_audit_head').selectAll().where('workspace_id', '=', workspace).execute(),
  };
  const numeric = JSON.parse(JSON.stringify(rows, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v))) as unknown;
  return canonicalHash(numeric);
}

export async function runIntegrated(database: Database<unknown>, options: IntegratedRunOptions): Promise<IntegratedRunSummary> {
  await migrateTreasury(database);
  await migrateCompliance(database);
  await migrateRelay(database);
  // One transaction spans the treasury, compliance and relay tables; Kysely's table maps are
  // invariant, so the composition root works over the open map.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const db = database.db as Kysely<any>;
  const { workspace } = options;
  // The event bus: NATS when asked, else embedded in the same SQLite file (its own file next to
  // it when the tables live on PostgreSQL).
  const bus = await openBus(
    options.busUrl
      ? { url: options.busUrl, ...(options.natsPrefix ? { natsPrefix: options.natsPrefix } : {}) }
      : database.sqlite
        ? { url: undefined, database }
        : { url: undefined },
  );
  const publish = async (events: EventEnvelopeV1[]) => {
    if (events.length > 0) await bus.publish(events, { workspace });
  };
  try {
    return await runWithBus(database, options, db, publish, async () => (await bus.stats({ workspace })).total);
  } finally {
    await bus.close();
  }
}

async function runWithBus(
  database: Database<unknown>,
  options: IntegratedRunOptions,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  db: Kysely<any>,
  publish: (events: EventEnvelopeV1[]) => Promise<void>,
  busTotal: () => Promise<number>,
): Promise<IntegratedRunSummary> {
  const { workspace } = options;
  void database;

  // A previous run killed after a commit may have left derived events behind: move them first.
  await drainOutbox(db, workspace, publish);

  const sim = new Simulation({ scenario: options.scenario, seed: options.seed, ticks: options.ticks });
  let exceededTicks = 0;
  const relay = new Relay({
    workspace,
    runId: sim.runId,
    pinnedBundleId: sim.policyBundleId,
    ledger: ledgerPort(),
    budget: budgetPort(),
    compliance: new ComplianceMachine({ workspace }),
    onBudgetExceeded: () => {
      exceededTicks++;
      // Taxonomy 3.3: the optional feedback loop sends a policy command back into the simulation.
      if (options.feedbackLoop)
        sim.enqueue({
          type: 'set_policy',
          parameter: 'rationing_bp',
          value: Math.max(5_000, sim.policy.rationing_bp - 1_000),
          priority: 10,
        });
    },
  });

  const start = sim.startEvents();
  const createdAt = start[0]!.created_at;
  await db.transaction().execute(async (trx) => {
    const opening = [...sim.balances()].filter(([, b]) => b !== 0);
    await ensureAccounts(trx, workspace, [
      { account_id: OPENING_ACCOUNT, account_type: 'equity', unit: 'mJ' },
      ...opening.map(([id]) => ({
        account_id: id,
        account_type: id.startsWith('civ:') ? ('equity' as const) : ('asset' as const),
        unit: 'mJ',
      })),
    ]);
    // The CIV endowments at tick 0, so the mirror starts where the simulation starts.
    await postTransactions(
      trx,
      workspace,
      opening.map(([id, b]) => ({
        idempotency_key: `civ-opening:${sim.runId}:${id}`,
        entries: [
          { account_id: OPENING_ACCOUNT, amount: -b },
          { account_id: id, amount: b },
        ],
        reference_id: start[0]!.event_id,
        policy_bundle_id: sim.policyBundleId,
        created_at: createdAt,
      })),
    );
    if (!(await budgetOf(trx, workspace))) {
      const allocation = await allocateBudget(trx, workspace, options.budgetUeau, 'per_run');
      await enqueueOutbox(trx, workspace, [
        envelopeFor(
          sim,
          'venture.workflow.started.v1',
          {
            workflow_id: sim.runId,
            agent_role: 'orchestrator',
            workspace_id: workspace,
            initial_task_count: sim.ticks,
            policy_bundle_id: sim.policyBundleId,
          },
          'workflow.started',
          createdAt,
        ),
        envelopeFor(
          sim,
          'venture.budget.allocation_approved.v1',
          { ...allocation, policy_bundle_id: sim.policyBundleId },
          'budget.allocation',
          createdAt,
        ),
      ]);
    }
  });
  await drainOutbox(db, workspace, publish);
  await publish(start);

  let civEvents = start.length;
  while (!sim.done) {
    const result = sim.step();
    civEvents += result.events.length;
    const taskId = result.events[0]!.task_id;
    const at = result.events[0]!.created_at;
    // The CIV events first (the log drops ids it holds), then the tick's effects in one transaction.
    await publish(result.events);
    await db.transaction().execute(async (trx) => {
      const outcome = await relay.applyTick(trx, result.tick, result.events);
      if (!outcome.applied) return;
      const taskEvents = [
        envelopeFor(
          sim,
          'venture.task.scheduled.v1',
          { task_id: taskId, workflow_id: sim.runId, task_type: 'civ_simulation', estimated_eau_cost: 0 },
          `task.scheduled:${result.tick}`,
          at,
          taskId,
        ),
        envelopeFor(
          sim,
          'venture.task.started.v1',
          { task_id: taskId, workflow_id: sim.runId, agent_role: 'orchestrator', tool_calls_expected: 0 },
          `task.started:${result.tick}`,
          at,
          taskId,
        ),
      ];
      const done = envelopeFor(
        sim,
        'venture.task.completed.v1',
        {
          task_id: taskId,
          workflow_id: sim.runId,
          status: 'completed',
          tool_calls_count: 0,
          actual_eau_cost: outcome.energy_cost_ueau,
          duration_ms: 0,
        },
        `task.completed:${result.tick}`,
        at,
        taskId,
      );
      await enqueueOutbox(trx, workspace, [...taskEvents, ...outcome.events, done]);
    });
    await drainOutbox(db, workspace, publish);
    options.onTick?.(result.tick, sim.lastMetrics);
  }

  // Reconciliation: the Venture mirror against the simulation's own ledger, account by account.
  const mirror = await balances(db, workspace);
  const civBalances = sim.balances();
  const reference = new Map<string, number>([[OPENING_ACCOUNT, 0], ...civBalances]);
  const mirrored = new Map([...mirror].filter(([id]) => reference.has(id)));
  const report: ReconciliationReport = reconcile(mirrored, reference);
  const endAt = sim.completionEvents(0)[0]!.created_at;
  const completion = sim.completionEvents(0);
  await publish(completion);
  await db.transaction().execute(async (trx) => {
    await enqueueOutbox(trx, workspace, [
      envelopeFor(
        sim,
        'venture.reconciliation.run.v1',
        {
          run_id: deterministicUuid('kush.reconciliation', sim.runId),
          period: `run:${sim.runId}`,
          drift_amount: report.drift_amount,
          drift_pct: report.drift_pct,
          status: report.status,
          timestamp: endAt,
        },
        'reconciliation',
        endAt,
      ),
      envelopeFor(
        sim,
        'venture.workflow.completed.v1',
        { workflow_id: sim.runId, status: 'completed', task_count_executed: sim.ticks, event_count: 0, duration_ms: 0 },
        'workflow.completed',
        endAt,
      ),
    ]);
  });
  await drainOutbox(db, workspace, publish);

  const eventCount = await busTotal();
  const totals = await ledgerTotals(db, workspace);
  const compliance = await complianceSummary(db, workspace);
  const audit = await verifyAuditLog(db, workspace);
  const budget = await budgetOf(db, workspace);
  const txCount = await db
    .selectFrom('treasury_transactions')
    .select(db.fn.countAll<number>().as('n'))
    .where('workspace_id', '=', workspace)
    .executeTakeFirst();
  return {
    run_id: sim.runId,
    workspace,
    ticks: sim.tick,
    event_count: eventCount,
    civ_event_count: civEvents + completion.length,
    final_state_hash: sim.stateHash(),
    ledger_transactions: Number(txCount?.n ?? 0),
    ledger_totals: Object.fromEntries(totals),
    ledger_drift: report.drift_amount,
    ledger_drift_pct: report.drift_pct,
    reconciliation_status: report.status,
    cases_open: compliance.cases_open,
    cases_closed: compliance.cases_closed,
    violations: compliance.violations,
    audit_entries: compliance.audit_entries,
    audit_chain_ok: audit.ok,
    budget_limit_ueau: budget?.limit_ueau ?? 0,
    budget_used_ueau: budget?.spent_ueau ?? 0,
    budget_exceeded_ticks: exceededTicks,
    venture_state_hash: await ventureStateHash(db, workspace),
    ...(sim.lastMetrics ? { metrics: sim.lastMetrics } : {}),
  };
}
