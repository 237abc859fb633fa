import { validateEnvelope } from '@kush/contracts';
import {
  ControlPlane,
  DatabaseEventLog,
  MemoryBudgetGate,
  MemoryTaskQueue,
  MemoryUserBudgets,
  unwrap,
  type ControlEventLog,
} from '@kush/control';
import type { EventEnvelopeV1 } from '@kush/contracts';
import { integrationTarget, openDatabase, type Database } from '@kush/runtime';
import { afterEach, describe, expect, it } from 'vitest';

const pgUrl = await integrationTarget('postgres');

interface Setup {
  plane: ControlPlane;
  log: ControlEventLog;
  budgets: MemoryBudgetGate;
  userBudgets: MemoryUserBudgets;
  database: Database<unknown>;
}

const opened: Setup[] = [];
afterEach(async () => {
  for (const s of opened.splice(0)) {
    await s.plane.close();
    if (s.database.dialect === 'postgres') await s.database.pool!.query(`DROP SCHEMA ${s.database.schema} CASCADE`);
    await s.database.close();
  }
});

async function setup(dialect: 'sqlite' | 'postgres'): Promise<Setup> {
  const database =
    dialect === 'sqlite'
      ? await openDatabase<unknown>({ sqlitePath: ':memory:' })
      : await openDatabase<unknown>({ url: pgUrl!, schema: `control_test_${Math.random().toString(36).slice(2, 10)}` });
  // The embedded event log on the dialect under test (SQLite: prepared statements; PostgreSQL: Kysely).
  const log = new DatabaseEventLog(database);
  const budgets = new MemoryBudgetGate();
  budgets.setLimit('default', 10_000_000);
  budgets.setLimit('acme', 10_000_000);
  const userBudgets = new MemoryUserBudgets();
  const plane = await ControlPlane.open({ database, log, queue: new MemoryTaskQueue(), budget: budgets, userBudgets });
  await plane.startWorkers(1, 4);
  const s = { plane, log, budgets, userBudgets, database };
  opened.push(s);
  return s;
}

async function all(log: ControlEventLog, workspace: string): Promise<EventEnvelopeV1[]> {
  const out: EventEnvelopeV1[] = [];
  for await (const e of log.read(workspace)) out.push(e);
  return out;
}

const SIMPLE = 'name: simple\nagent_role: engineer\ntasks:\n  - id: a\n    tools: [{ tool: hash_text, input: { text: hello } }]\n';

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe.skipIf(dialect === 'postgres' && !pgUrl)(`control plane on ${dialect}`, () => {
    it('creates, lists and archives workspaces; an archived workspace starts nothing', async () => {
      const { plane, log } = await setup(dialect);
      expect((await plane.workspaces.list()).map((w) => w.workspace_id)).toEqual(['default']);
      unwrap(await plane.createWorkspace('acme', 'Acme Corp'));
      const dup = await plane.createWorkspace('acme');
      expect(dup.ok).toBe(false);
      if (!dup.ok) expect(dup.issues[0]!.message).toBe('workspace_id: workspace acme already exists');
      const bad = await plane.createWorkspace('Not_A_Slug');
      expect(bad.ok).toBe(false);
      if (!bad.ok) expect(bad.issues[0]!.path).toBe('workspace_id');
      expect((await plane.workspaces.list()).map((w) => w.workspace_id)).toEqual(['acme', 'default']);
      unwrap(await plane.workspaces.archive('acme'));
      expect((await plane.workspaces.list()).map((w) => w.workspace_id)).toEqual(['default']);
      const refusedRun = await plane.submit(SIMPLE, { workspace_id: 'acme' });
      expect(refusedRun.ok).toBe(false);
      if (!refusedRun.ok) expect(refusedRun.issues[0]!.code).toBe('WORKSPACE_ARCHIVED');
      const audit = (await all(log, 'acme')).filter((e) => e.event_type === 'venture.audit.log_entry.v1');
      expect(audit.map((e) => (e.payload as { action_type: string }).action_type)).toEqual(['workspace_created', 'workspace_archived']);
      expect((await all(log, 'acme')).find((e) => e.event_type === 'venture.policy.bundle_published.v1')!.payload).toMatchObject({
        bundle_id: 'default@1',
        version: 1,
      });
    });

    it('keeps workspaces apart: workflows, events and budgets of one are invisible to another', async () => {
      const { plane, log, budgets } = await setup(dialect);
      unwrap(await plane.createWorkspace('acme'));
      const { plan, state } = unwrap(await plane.run(SIMPLE, { workspace_id: 'acme' }));
      expect(state.status).toBe('completed');
      const own = await plane.status('acme', plan.workflow_id);
      expect(own.ok && own.value.status).toBe('completed');
      const other = await plane.status('default', plan.workflow_id);
      expect(other.ok).toBe(false);
      if (!other.ok) expect(other.issues[0]!.message).toBe(`workflow_id: workspace default has no workflow ${plan.workflow_id}`);
      expect((await all(log, 'default')).some((e) => e.workflow_id === plan.workflow_id)).toBe(false);
      expect(budgets.spent('acme')).toBe(1_000);
      expect(budgets.spent('default')).toBe(0);
      expect(await plane.records.list('default')).toEqual([]);
      // A bundle published in acme does not exist in default.
      unwrap(await plane.policies.publish('acme', { name: 'strict', default_decision: 'deny', rules: [] }));
      const cross = await plane.policies.resolve('default', 'strict');
      expect(cross.ok).toBe(false);
    });

    it('status rebuilt from the log matches the live run, with task keys', async () => {
      const { plane } = await setup(dialect);
      const { plan, state } = unwrap(
        await plane.run(`name: fan
agent_role: analyst
tasks:
  - id: root
    tools: [{ tool: noop }]
  - id: part
    fan_out: 5
    depends_on: [root]
    tools: [{ tool: hash_text, input: { text: "part \${index}" } }]
`),
      );
      const report = unwrap(await plane.status('default', plan.workflow_id));
      expect(report.status).toBe(state.status);
      expect(report.tasks.map((t) => t.key)).toEqual(['root', 'part[0]', 'part[1]', 'part[2]', 'part[3]', 'part[4]']);
      expect(report.tasks_by_status).toEqual({ completed: 6 });
      expect(report.actual_eau_cost).toBe(5_000);
      expect(report.event_count).toBe(state.event_count);
      expect(report.refusals).toEqual([]);
      const row = await plane.records.get('default', plan.workflow_id);
      expect(row?.status).toBe('completed');
    });

    it('onboards users with a budget, changes their tier, offboards them returning the residual budget', async () => {
      const { plane, log, userBudgets } = await setup(dialect);
      unwrap(await plane.createWorkspace('acme'));
      const user = unwrap(
        await plane.users.onboard({
          workspace_id: 'acme',
          user_id: 'ada',
          role: 'analyst',
          capability_tier: 'tier_2_standard',
          initial_budget_ueau: 5_000_000,
        }),
      );
      expect(user.status).toBe('active');
      expect(userBudgets.balances.get('acme:user:ada:budget')).toBe(5_000_000);
      const again = await plane.users.onboard({
        workspace_id: 'acme',
        user_id: 'ada',
        role: 'analyst',
        capability_tier: 'tier_2_standard',
        initial_budget_ueau: 1,
      });
      expect(again.ok).toBe(false);
      const bad = await plane.users.onboard({
        workspace_id: 'acme',
        user_id: 'bob',
        role: 'pilot',
        capability_tier: 'tier_9',
        initial_budget_ueau: -1,
      });
      expect(bad.ok).toBe(false);
      if (!bad.ok) expect(bad.issues.map((i) => i.path)).toEqual(['role', 'capability_tier', 'initial_budget_ueau']);
      expect(await plane.users.list('acme')).toHaveLength(1);
      expect(await plane.users.list('default')).toHaveLength(0);
      unwrap(await plane.users.changeCapability('acme', 'ada', 'tier_1_advanced', 'promotion'));
      const off = unwrap(await plane.users.offboard('acme', 'ada', { reason: 'contract_ended' }));
      expect(off.disposal).toEqual({ action: 'returned_to_workspace', amount: 5_000_000, recipient_id: 'acme:budget' });
      expect(await plane.users.list('acme')).toHaveLength(0);
      const userEvents = (await all(log, 'acme')).filter((e) => e.event_type.startsWith('venture.user.'));
      expect(userEvents.map((e) => e.event_type)).toEqual([
        'venture.user.onboarded.v1',
        'venture.user.capability_changed.v1',
        'venture.user.offboarded.v1',
      ]);
      for (const e of userEvents) expect(validateEnvelope(e).ok).toBe(true);
      expect(userEvents[0]!.payload).toEqual({
        user_id: 'ada',
        role: 'analyst',
        workspace_id: 'acme',
        capability_tier: 'tier_2_standard',
        initial_budget_eau: 5_000_000,
      });
    });

    it('publishes versioned bundles, evaluates with facts, rolls back, and reports drift for a running workflow', async () => {
      const { plane, log } = await setup(dialect);
      const v1 = unwrap(await plane.policies.publish('default', { name: 'guard', default_decision: 'allow', rules: [] }));
      expect(v1).toMatchObject({ bundle_id: 'guard@1', version: 1, created: true });
      const same = unwrap(await plane.policies.publish('default', { rules: [], default_decision: 'allow', name: 'guard' }));
      expect(same).toMatchObject({ bundle_id: 'guard@1', created: false });
      // A slow workflow pinned to guard@1; guard@2 is published while it runs.
      const plan = unwrap(
        await plane.submit(
          'name: slow\nagent_role: analyst\npolicy_bundle: guard\ntasks:\n  - id: wait\n    tools: [{ tool: sleep, input: { ms: 800 } }]\n',
        ),
      );
      expect(plan.policy_bundle_id).toBe('guard@1');
      const v2 = unwrap(
        await plane.policies.publish('default', {
          name: 'guard',
          default_decision: 'allow',
          rules: [{ id: 'no-deploy', when: "tool == 'deploy'", effect: 'deny' }],
        }),
      );
      expect(v2.bundle_id).toBe('guard@2');
      const state = await plane.orchestrator.wait(plan.workflow_id);
      expect(state.status).toBe('completed');
      expect(state.policy_drifts).toBe(1);
      const drift = (await all(log, 'default')).find((e) => e.event_type === 'venture.compliance.policy_drift.v1')!;
      expect(drift.payload).toMatchObject({ expected_bundle_id: 'guard@1', actual_bundle_id: 'guard@2' });
      expect((drift.payload as { diff_summary: string }).diff_summary).toContain('rules added: no-deploy');
      const decision = unwrap(await plane.policies.evaluate('default', 'guard', { tool: 'deploy', role: 'engineer' }));
      expect(decision).toMatchObject({
        bundle_id: 'guard@2',
        decision: 'deny',
        supporting_facts: [{ rule_id: 'no-deploy', fact: 'deny: tool = "deploy"' }],
      });
      expect(decision.events.map((e) => e.event_type)).toEqual(['venture.policy.evaluation_started.v1', 'venture.policy.decision_made.v1']);
      const rollback = unwrap(
        await plane.policies.rollback('default', 'guard', { runningWorkflows: (ids) => plane.records.runningPinnedTo('default', ids) }),
      );
      expect(rollback).toMatchObject({ revoked: ['guard@2'], restored: 'guard@1', affected_workflows: [] });
      expect(unwrap(await plane.policies.evaluate('default', 'guard', { tool: 'deploy' })).decision).toBe('allow');
      const none = await plane.policies.rollback('default', 'guard', { runningWorkflows: async () => [] });
      expect(none.ok).toBe(false);
      // A v3 after the rollback does not reuse the revoked number.
      const v3 = unwrap(await plane.policies.publish('default', { name: 'guard', default_decision: 'deny', rules: [] }));
      expect(v3.bundle_id).toBe('guard@3');
      for (const e of await all(log, 'default')) expect(validateEnvelope(e).ok).toBe(true);
    });

    it('enforces the pinned bundle on tool calls and publishes the decision with its facts', async () => {
      const { plane, log } = await setup(dialect);
      unwrap(
        await plane.policies.publish('default', {
          name: 'guard',
          default_decision: 'allow',
          rules: [{ id: 'cap', when: 'cost_ueau >= 1000', effect: 'require_approval' }],
        }),
      );
      const { state } = unwrap(await plane.run(SIMPLE, { policy_bundle: 'guard' }));
      expect(state.status).toBe('failed');
      expect(state.error_code).toBe('POLICY_REQUIRE_APPROVAL');
      const made = (await all(log, 'default')).find((e) => e.event_type === 'venture.policy.decision_made.v1')!;
      expect(made.payload).toMatchObject({
        bundle_id: 'guard@1',
        decision_result: 'require_approval',
        supporting_facts: [{ rule_id: 'cap', fact: 'require_approval: cost_ueau = 1000' }],
      });
    });
  });
}

describe('tenancy at the worker', () => {
  it('drops a task whose envelope names a workspace its workflow is not in', async () => {
    const database = await openDatabase<unknown>({ sqlitePath: ':memory:' });
    const queue = new MemoryTaskQueue();
    const budgets = new MemoryBudgetGate();
    budgets.setLimit('default', 10_000_000);
    budgets.setLimit('acme', 10_000_000);
    const log = new DatabaseEventLog(database);
    const plane = await ControlPlane.open({ database, log, queue, budget: budgets, userBudgets: new MemoryUserBudgets() });
    unwrap(await plane.createWorkspace('acme'));
    const [worker] = await plane.startWorkers(1, 2);
    const plan = unwrap(await plane.plan(SIMPLE));
    // A forged envelope: the default workspace's task, claiming to be acme's.
    await queue.enqueue([{ ...plan.tasks[0]!.envelope, workspace_id: 'acme' }]);
    for (let i = 0; i < 100 && worker!.stats.out_of_scope === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(worker!.stats.out_of_scope).toBe(1);
    expect(budgets.spent('acme')).toBe(0);
    expect((await all(log, 'acme')).some((e) => e.workflow_id === plan.workflow_id)).toBe(false);
    await plane.close();
    await database.close();
  });
});
