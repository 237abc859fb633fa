import { validateEnvelope, type EventEnvelopeV1 } from '@kush/contracts';
import {
  buildDag,
  builtinToolRegistry,
  compileWorkflow,
  parseWorkflowText,
  taskTransition,
  unwrap,
  workflowSnapshot,
  WorkflowFold,
  workflowTransition,
} from '@kush/control';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryHarness, testWorkflowId, type Harness } from './memory-harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const types = (events: EventEnvelopeV1[]) => events.map((e) => e.event_type);
const ofTask = (events: EventEnvelopeV1[], taskId: string) => events.filter((e) => (e.payload as { task_id?: string }).task_id === taskId);

describe('state machines', () => {
  it('refuses illegal transitions, naming them', () => {
    const t = taskTransition('t1', 'completed', 'started', 'venture.task.started.v1');
    expect(t.ok).toBe(false);
    if (!t.ok)
      expect(t.issues[0]!.message).toBe(
        'task t1: illegal transition completed -> started (venture.task.started.v1); allowed from completed: none (terminal)',
      );
    const w = workflowTransition('w1', 'compensating', 'completed', 'venture.workflow.completed.v1');
    expect(w.ok).toBe(false);
    if (!w.ok) expect(w.issues[0]!.message).toContain('illegal transition compensating -> completed');
    expect(workflowTransition('w1', 'running', 'compensating', 'x').ok).toBe(true);
    expect(taskTransition('t1', 'retrying', 'scheduled', 'x').ok).toBe(true);
  });

  it('the fold refuses an event that would make an illegal transition and keeps its state', async () => {
    harness = await memoryHarness();
    const { events } = await harness.run('name: one\nagent_role: engineer\ntasks:\n  - id: a\n    tools: [{ tool: noop }]\n');
    const completed = events.find((e) => e.event_type === 'venture.task.completed.v1')!;
    const fold = new WorkflowFold();
    for (const e of events) expect(fold.apply(e).ok).toBe(true);
    const replayedWithNewId = { ...completed, event_id: '11111111-1111-4111-8111-111111111111' };
    const refused = fold.apply(replayedWithNewId);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.issues[0]!.message).toMatch(/illegal transition completed -> completed/);
    expect(fold.apply(completed)).toEqual({ ok: true, value: 'duplicate' });
  });
});

describe('workflow files and DAGs', () => {
  it('refuses a cycle and names it', () => {
    const dag = buildDag(['a', 'b', 'c'], [[2], [0], [1]]);
    expect(dag.ok).toBe(false);
    if (!dag.ok) expect(dag.issues[0]!.message).toBe('tasks: the dependencies form a cycle: a -> b -> c -> a');
  });

  it('refuses bad files naming the field and the rule', () => {
    const bad = parseWorkflowText('name: x\nagent_role: pilot\ntasks:\n  - id: a\n    tools: []\n    depends_on: [zz]\n');
    expect(bad.ok).toBe(false);
    if (!bad.ok)
      expect(bad.issues.map((i) => i.message)).toContain('agent_role: must be one of analyst, architect, engineer, auditor, orchestrator');
    const unknownDep = compileWorkflow(
      unwrap(parseWorkflowText('name: x\nagent_role: analyst\ntasks:\n  - id: a\n    tools: []\n    depends_on: [zz]\n')),
      { workflow_id: testWorkflowId(), workspace_id: 'default', policy_bundle_id: 'default@1', created_at: '2026-02-21T00:00:00.000Z' },
      builtinToolRegistry(),
    );
    expect(unknownDep.ok).toBe(false);
    if (!unknownDep.ok) expect(unknownDep.issues[0]!.message).toBe('tasks.0.depends_on.0: names unknown task zz');
    const yamlError = parseWorkflowText('name: [unclosed');
    expect(yamlError.ok).toBe(false);
    if (!yamlError.ok) expect(yamlError.issues[0]!.message).toMatch(/^\(file\): is not valid YAML/);
  });

  it('expands fan-out with ${index} and derives the same ids from the same workflow id', () => {
    const file = unwrap(
      parseWorkflowText(
        'name: fan\nagent_role: analyst\ntasks:\n  - id: root\n    tools: [{ tool: noop }]\n  - id: shard\n    fan_out: 3\n    depends_on: [root]\n    tools: [{ tool: hash_text, input: { text: "part ${index}" } }]\n  - id: merge\n    depends_on: [shard]\n    tools: [{ tool: noop }]\n',
      ),
    );
    const options = {
      workflow_id: testWorkflowId(),
      workspace_id: 'default',
      policy_bundle_id: 'default@1',
      created_at: '2026-02-21T00:00:00.000Z',
    };
    const plan = unwrap(compileWorkflow(file, options, builtinToolRegistry()));
    expect(plan.tasks.map((t) => t.key)).toEqual(['root', 'shard[0]', 'shard[1]', 'shard[2]', 'merge']);
    expect(plan.tasks[2]!.envelope.tool_calls[0]!.input).toEqual({ text: 'part 1' });
    expect(plan.tasks[4]!.envelope.depends_on).toHaveLength(3);
    expect(plan.estimated_eau_cost).toBe(3_000);
    const again = unwrap(compileWorkflow(file, options, builtinToolRegistry()));
    expect(again.tasks.map((t) => t.envelope.task_id)).toEqual(plan.tasks.map((t) => t.envelope.task_id));
  });
});

describe('running workflows (in memory)', () => {
  it('starts every task after all its dependencies completed (DAG order), and every event is valid', async () => {
    harness = await memoryHarness({ concurrency: 4 });
    const yaml = `name: diamond
agent_role: engineer
tasks:
  - id: a
    tools: [{ tool: sleep, input: { ms: 5 } }]
  - id: b
    depends_on: [a]
    tools: [{ tool: sleep, input: { ms: 10 } }]
  - id: c
    depends_on: [a]
    tools: [{ tool: noop }]
  - id: d
    depends_on: [b, c]
    tools: [{ tool: noop }]
`;
    const { state, events } = await harness.run(yaml);
    expect(state.status).toBe('completed');
    expect(state.completed_tasks).toBe(4);
    for (const e of events) expect(validateEnvelope(e).ok).toBe(true);
    const position = (type: string, taskId: string) =>
      events.findIndex((e) => e.event_type === type && (e.payload as { task_id?: string }).task_id === taskId);
    const plan = unwrap(parseWorkflowText(yaml));
    const byKey = new Map<string, string>();
    for (const e of events.filter((x) => x.event_type === 'venture.task.scheduled.v1')) byKey.set(e.task_id, e.task_id);
    const ids = [...byKey.keys()];
    expect(ids).toHaveLength(plan.tasks.length);
    // Recover keys through the deterministic ids.
    const { taskIdOf } = await import('@kush/control');
    const id = (k: string) => taskIdOf(state.workflow_id, k);
    for (const [task, deps] of [
      ['b', ['a']],
      ['c', ['a']],
      ['d', ['b', 'c']],
    ] as const) {
      for (const dep of deps)
        expect(position('venture.task.started.v1', id(task))).toBeGreaterThan(position('venture.task.completed.v1', id(dep)));
    }
    expect(types(events)[0]).toBe('venture.workflow.started.v1');
    expect(types(events).at(-1)).toBe('venture.workflow.completed.v1');
    expect(events.at(-1)!.payload).toMatchObject({ status: 'completed', task_count_executed: 4 });
  });

  it('retries with backoff until it succeeds within the limit', async () => {
    harness = await memoryHarness();
    const { state, events } = await harness.run(
      'name: flaky\nagent_role: analyst\ndefaults: { backoff_initial_ms: 5 }\ntasks:\n  - id: a\n    max_attempts: 3\n    tools: [{ tool: fail, input: { until_attempt: 2 } }]\n',
    );
    expect(state.status).toBe('completed');
    const task = [...state.tasks.values()][0]!;
    expect(task.attempt).toBe(3);
    expect(task.status).toBe('completed');
    const mine = ofTask(events, task.task_id);
    expect(types(mine).filter((t) => t === 'venture.task.scheduled.v1')).toHaveLength(3);
    const failures = mine.filter((e) => e.event_type === 'venture.task.failed.v1');
    expect(failures.map((f) => (f.payload as { partial_results: { will_retry: boolean } }).partial_results.will_retry)).toEqual([
      true,
      true,
    ]);
    // Backoff: the third attempt was scheduled at least initial * 2 ms after the second failure.
    const second = Date.parse(failures[1]!.created_at);
    const third = mine.filter((e) => e.event_type === 'venture.task.scheduled.v1')[2]!;
    expect(Date.parse(third.created_at) - second).toBeGreaterThanOrEqual(10 - 1);
  });

  it('stops retrying at the limit, fails the task and the workflow', async () => {
    harness = await memoryHarness();
    const { state, events } = await harness.run(
      'name: hopeless\nagent_role: analyst\ndefaults: { backoff_initial_ms: 1 }\ntasks:\n  - id: a\n    max_attempts: 3\n    tools: [{ tool: fail, input: { until_attempt: 50, code: FLAKY_UPSTREAM } }]\n',
    );
    expect(state.status).toBe('failed');
    const task = [...state.tasks.values()][0]!;
    expect(task).toMatchObject({ status: 'failed', attempt: 3, error_code: 'FLAKY_UPSTREAM' });
    expect(types(ofTask(events, task.task_id)).filter((t) => t === 'venture.task.started.v1')).toHaveLength(3);
    expect(events.at(-1)!.event_type).toBe('venture.workflow.failed.v1');
    expect(events.at(-1)!.payload).toMatchObject({ error_code: 'FLAKY_UPSTREAM', task_id_when_failed: task.task_id });
  });

  it('times a task out and retries it', async () => {
    harness = await memoryHarness();
    const { state, events } = await harness.run(
      'name: slow\nagent_role: analyst\ndefaults: { backoff_initial_ms: 1 }\ntasks:\n  - id: a\n    max_attempts: 2\n    timeout_ms: 30\n    tools: [{ tool: sleep, input: { ms: 5000 } }]\n',
    );
    expect(state.status).toBe('failed');
    const failed = events.filter((e) => e.event_type === 'venture.task.failed.v1');
    expect(failed.map((e) => (e.payload as { error_code: string }).error_code)).toEqual(['TASK_TIMEOUT', 'TASK_TIMEOUT']);
  });

  it('compensates completed tasks in reverse order when the workflow fails (saga)', async () => {
    harness = await memoryHarness({ concurrency: 1 });
    const { state, events } = await harness.run(`name: release
agent_role: engineer
tasks:
  - id: deploy_api
    tools: [{ tool: deploy, input: { service: api, version: "2.0" } }]
    compensate: [{ tool: rollback_deploy, input: { service: api } }]
  - id: deploy_web
    depends_on: [deploy_api]
    tools: [{ tool: deploy, input: { service: web, version: "2.0" } }]
    compensate: [{ tool: rollback_deploy, input: { service: web } }]
  - id: smoke_test
    depends_on: [deploy_web]
    max_attempts: 1
    tools: [{ tool: fail, input: { code: SMOKE_TEST_FAILED } }]
`);
    expect(state.status).toBe('failed');
    expect(state.compensations_completed).toBe(2);
    const compensations = events.filter(
      (e) => e.event_type === 'venture.task.completed.v1' && (e.payload as { status: string }).status === 'compensated',
    );
    const { compensationIdOf } = await import('@kush/control');
    expect(compensations.map((e) => e.task_id)).toEqual([
      compensationIdOf(state.workflow_id, 'deploy_web'),
      compensationIdOf(state.workflow_id, 'deploy_api'),
    ]);
    const failedAt = events.findIndex((e) => e.event_type === 'venture.task.failed.v1');
    const firstCompensation = events.findIndex(
      (e) => e.event_type === 'venture.task.scheduled.v1' && (e.payload as { task_type: string }).task_type === 'compensation',
    );
    expect(firstCompensation).toBeGreaterThan(failedAt);
    expect(events.at(-1)!.payload).toMatchObject({ error_code: 'SMOKE_TEST_FAILED' });
    expect((events.at(-1)!.payload as { error_message: string }).error_message).toContain('saga: 2 compensation(s) completed');
    // Both deploys and both rollbacks were charged once each.
    expect(harness.budgets.spent('default')).toBe(2 * 250_000 + 2 * 50_000);
  });

  it('refuses a tool outside the role allowlist and records the violation', async () => {
    harness = await memoryHarness();
    const { state, events } = await harness.run(
      'name: overreach\nagent_role: analyst\ntasks:\n  - id: research\n    tools: [{ tool: hash_text, input: { text: hi } }]\n  - id: ship\n    depends_on: [research]\n    tools: [{ tool: deploy, input: { service: api, version: "1" } }]\n',
    );
    expect(state.status).toBe('failed');
    expect(state.error_code).toBe('TOOL_DENIED');
    expect(state.violations).toBe(1);
    const violation = events.find((e) => e.event_type === 'venture.compliance.violation_detected.v1')!;
    expect(violation.payload).toMatchObject({
      violation_type: 'tool_misuse',
      severity_level: 'high',
      affected_workflow_id: state.workflow_id,
    });
    const failed = events.find((e) => e.event_type === 'venture.task.failed.v1')!;
    expect((failed.payload as { error_message: string }).error_message).toContain('role analyst may not call tool deploy');
    // The denied call never ran: only hash_text was charged.
    expect(harness.budgets.spent('default')).toBe(1_000);
    const audit = events.filter((e) => e.event_type === 'venture.audit.log_entry.v1').at(-1)!;
    const summary = JSON.parse((audit.payload as { change_summary: string }).change_summary) as {
      actions: { tool: string; outcome: string; reasoning: string }[];
    };
    expect(summary.actions[0]).toMatchObject({ tool: 'deploy', outcome: 'denied: not in the role allowlist' });
    expect(summary.actions[0]!.reasoning).toContain('rule 1');
  });

  it('refuses a call over the workspace budget before it runs and emits budget.exceeded', async () => {
    harness = await memoryHarness({ budget_ueau: 300_000 });
    const { state, events } = await harness.run(
      'name: spendy\nagent_role: engineer\ntasks:\n  - id: one\n    tools: [{ tool: deploy, input: { service: api, version: "1" } }]\n  - id: two\n    depends_on: [one]\n    tools: [{ tool: deploy, input: { service: web, version: "1" } }]\n',
    );
    expect(state.status).toBe('failed');
    expect(state.error_code).toBe('BUDGET_EXCEEDED');
    const exceeded = events.find((e) => e.event_type === 'venture.budget.exceeded.v1')!;
    expect(exceeded.payload).toEqual({ workspace_id: 'default', budget_limit: 300_000, actual_spend: 500_000, overage_amount: 200_000 });
    expect(harness.budgets.spent('default')).toBe(250_000);
    const failed = events.find((e) => e.event_type === 'venture.task.failed.v1')!;
    expect((failed.payload as { partial_results: { will_retry: boolean } }).partial_results.will_retry).toBe(false);
  });

  it('rebuilding from the log gives the live state', async () => {
    harness = await memoryHarness({ concurrency: 3, workers: 2 });
    const { state, events } = await harness.run(`name: mixed
agent_role: engineer
defaults: { backoff_initial_ms: 1 }
tasks:
  - id: root
    tools: [{ tool: noop }]
  - id: shard
    fan_out: 20
    depends_on: [root]
    tools: [{ tool: hash_text, input: { text: "shard \${index}" } }]
  - id: flaky
    depends_on: [root]
    tools: [{ tool: fail, input: { until_attempt: 1 } }]
  - id: end
    depends_on: [shard, flaky]
    tools: [{ tool: noop }]
`);
    expect(state.status).toBe('completed');
    const live = workflowSnapshot(state);
    const { fold, refusals } = WorkflowFold.rebuild(events);
    expect(refusals).toEqual([]);
    expect(workflowSnapshot(fold.get(state.workflow_id)!)).toEqual(live);
    expect(live['completed_tasks']).toBe(23);
  });
});

describe('orchestrator takeover', () => {
  it('a second orchestrator resumes a workflow whose orchestrator stopped mid-way; each task completes once', async () => {
    const {
      Orchestrator,
      compileWorkflow: compile,
      parseWorkflowText: parse,
      builtinToolRegistry: tools,
      unwrap: un,
    } = await import('@kush/control');
    harness = await memoryHarness({ concurrency: 4 });
    const plan = un(
      compile(
        un(
          parse(
            'name: takeover\nagent_role: engineer\ntasks:\n  - id: root\n    tools: [{ tool: noop }]\n  - id: mid\n    fan_out: 3\n    depends_on: [root]\n    tools: [{ tool: sleep, input: { ms: 60 } }]\n  - id: end\n    depends_on: [mid]\n    tools: [{ tool: noop }]\n',
          ),
        ),
        { workflow_id: testWorkflowId(), workspace_id: 'default', policy_bundle_id: 'default@1', created_at: '2026-02-21T00:00:00.000Z' },
        tools(),
      ),
    );
    const first = harness.orchestrator;
    await first.start(plan);
    await new Promise((r) => setTimeout(r, 20));
    await first.close();
    expect(first.fold.get(plan.workflow_id)!.status).toBe('running');
    const second = new Orchestrator({ log: harness.log, queue: harness.queue, clock: (await import('@kush/runtime')).systemClock });
    await second.resume(plan);
    const state = await second.wait(plan.workflow_id).catch(() => second.fold.get(plan.workflow_id)!);
    expect(state.status).toBe('completed');
    const events = harness.log.events('default').filter((e) => e.workflow_id === plan.workflow_id);
    expect(events.filter((e) => e.event_type === 'venture.task.completed.v1')).toHaveLength(5);
    expect(events.filter((e) => e.event_type === 'venture.workflow.completed.v1')).toHaveLength(1);
    const { fold, refusals } = WorkflowFold.rebuild(events);
    expect(refusals).toEqual([]);
    expect(workflowSnapshot(fold.get(plan.workflow_id)!)).toEqual(workflowSnapshot(state));
    await second.close();
  });
});
