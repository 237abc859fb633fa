// The control plane on NATS JetStream: the same workflows as in memory, plus real worker processes
// killed mid-task. Runs whenever NATS answers (always in CI).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { taskIdOf, unwrap, WorkflowFold, workflowSnapshot, type ControlRuntime } from '@kush/control';
import { openDatabase, type Database } from '@kush/runtime';
import { openControlRuntime } from '@kush/control';
import { afterEach, describe, expect, it } from 'vitest';
import { integrationTarget } from '@kush/runtime';

const natsUrl = await integrationTarget('nats');
const KUSH_BIN = resolve(import.meta.dirname, '../../../apps/cli/bin/kush.js');

interface Open {
  runtime: ControlRuntime;
  database: Database<unknown>;
  children: ChildProcess[];
}
const opened: Open[] = [];
afterEach(async () => {
  for (const o of opened.splice(0)) {
    for (const c of o.children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await o.runtime.transport?.destroy();
    await o.runtime.close();
    await o.database.close();
  }
});

const prefix = () => `KUSH_TEST_${Date.now().toString(36).toUpperCase()}_${Math.random().toString(36).slice(2, 8).toUpperCase()}`;

async function open(options: { home?: string; prefix?: string; ackWaitMs?: number } = {}): Promise<Open> {
  const database = await openDatabase<unknown>({ sqlitePath: options.home ? join(options.home, 'kush.db') : ':memory:' });
  const runtime = await openControlRuntime({
    database,
    busUrl: natsUrl,
    streamPrefix: options.prefix ?? prefix(),
    ackWaitMs: options.ackWaitMs ?? 2_000,
  });
  const o = { runtime, database, children: [] };
  opened.push(o);
  return o;
}

describe.skipIf(!natsUrl)('control plane on NATS JetStream', () => {
  it('runs a DAG through the work queue in order, and the log rebuilds the live state', async () => {
    const { runtime } = await open();
    await runtime.plane.startWorkers(2, 4);
    const { plan, state } = unwrap(
      await runtime.plane.run(`name: diamond
agent_role: engineer
defaults: { backoff_initial_ms: 5 }
tasks:
  - id: a
    tools: [{ tool: noop }]
  - id: b
    fan_out: 6
    depends_on: [a]
    tools: [{ tool: hash_text, input: { text: "b \${index}" } }]
  - id: flaky
    depends_on: [a]
    tools: [{ tool: fail, input: { until_attempt: 1 } }]
  - id: d
    depends_on: [b, flaky]
    tools: [{ tool: noop }]
`),
    );
    expect(state.status).toBe('completed');
    const events = [];
    for await (const e of runtime.plane.options.log.read(plan.workspace_id, plan.workflow_id)) events.push(e);
    const at = (type: string, key: string) =>
      events.findIndex((e) => e.event_type === type && (e.payload as { task_id?: string }).task_id === taskIdOf(plan.workflow_id, key));
    expect(at('venture.task.started.v1', 'd')).toBeGreaterThan(at('venture.task.completed.v1', 'flaky'));
    expect(at('venture.task.started.v1', 'd')).toBeGreaterThan(at('venture.task.completed.v1', 'b[5]'));
    const { fold, refusals } = WorkflowFold.rebuild(events);
    expect(refusals).toEqual([]);
    expect(workflowSnapshot(fold.get(plan.workflow_id)!)).toEqual(workflowSnapshot(state));
    const report = unwrap(await runtime.plane.status(plan.workspace_id, plan.workflow_id));
    expect(report.tasks_by_status).toEqual({ completed: 9 });
  });

  it('refuses a tool outside the allowlist and refuses over budget, recording both', async () => {
    const { runtime } = await open();
    await runtime.plane.startWorkers(1, 2);
    unwrap(await runtime.createWorkspace('tight', { budget_ueau: 100_000 }));
    const denied = unwrap(
      await runtime.plane.run(
        'name: x\nagent_role: auditor\ntasks:\n  - id: t\n    tools: [{ tool: deploy, input: { service: a, version: "1" } }]\n',
      ),
    );
    expect(denied.state.status).toBe('failed');
    expect(denied.state.violations).toBe(1);
    const broke = unwrap(
      await runtime.plane.run(
        'name: y\nagent_role: engineer\ntasks:\n  - id: t\n    tools: [{ tool: deploy, input: { service: a, version: "1" } }]\n',
        { workspace_id: 'tight' },
      ),
    );
    expect(broke.state.status).toBe('failed');
    expect(broke.state.budget_refusals).toBe(1);
    // Workspaces stay apart on the bus too: tight's log has nothing of default's workflow.
    for await (const e of runtime.plane.options.log.read('tight')) expect(e.workflow_id).not.toBe(denied.plan.workflow_id);
  });

  it('a worker killed mid-task (SIGKILL): the task is delivered again and completes once', { timeout: 60_000 }, async () => {
    const home = mkdtempSync(join(tmpdir(), 'kush-control-'));
    const streams = prefix();
    const { runtime, children } = await open({ home, prefix: streams, ackWaitMs: 1_000 });
    const env = {
      ...process.env,
      KUSH_HOME: home,
      KUSH_BUS_URL: natsUrl,
      KUSH_CONTROL_STREAM_PREFIX: streams,
      KUSH_CONTROL_ACK_WAIT_MS: '1000',
      NO_COLOR: '1',
    };
    const startWorker = async () => {
      const child = spawn(process.execPath, [KUSH_BIN, 'worker', '--concurrency', '2'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(child);
      await new Promise<void>((ready, fail) => {
        let err = '';
        child.stderr!.on('data', (d: Buffer) => {
          err += d.toString();
          if (err.includes('worker ready')) ready();
        });
        child.once('exit', (code) => fail(new Error(`worker exited early (${code}): ${err}`)));
      });
      return child;
    };
    const first = await startWorker();
    const plan = unwrap(
      await runtime.plane.submit(
        'name: crash\nagent_role: analyst\ntasks:\n  - id: slow\n    timeout_ms: 20000\n    tools: [{ tool: sleep, input: { ms: 2500 } }]\n  - id: after\n    depends_on: [slow]\n    tools: [{ tool: hash_text, input: { text: done } }]\n',
      ),
    );
    const slowId = taskIdOf(plan.workflow_id, 'slow');
    // Wait until the first worker has started the slow task, then kill it without warning.
    for (let i = 0; i < 200 && runtime.plane.orchestrator.fold.get(plan.workflow_id)?.tasks.get(slowId)?.status !== 'started'; i++) {
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(runtime.plane.orchestrator.fold.get(plan.workflow_id)?.tasks.get(slowId)?.status).toBe('started');
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    await startWorker();
    const state = await runtime.plane.orchestrator.wait(plan.workflow_id);
    expect(state.status).toBe('completed');
    const events = [];
    for await (const e of runtime.plane.options.log.read('default', plan.workflow_id)) events.push(e);
    const mine = (type: string) => events.filter((e) => e.event_type === type && (e.payload as { task_id?: string }).task_id === slowId);
    expect(mine('venture.task.completed.v1')).toHaveLength(1);
    expect(mine('venture.task.started.v1')).toHaveLength(1);
    expect(state.tasks.get(slowId)).toMatchObject({ status: 'completed', attempt: 1 });
    expect(state.completed_tasks).toBe(2);
    // The hash_text call was charged exactly once.
    expect((await runtime.budgets.budget('default'))!.spent_ueau).toBe(1_000);
  });
});
