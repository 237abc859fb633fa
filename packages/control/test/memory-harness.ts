// Runs workflows end to end in memory: the real scheduler, fold, executor, agent, tools and
// workers, with the in-memory event log and queue standing in for the bus.
import type { EventEnvelopeV1 } from '@kush/contracts';
import { ManualClock, systemClock, type Clock } from '@kush/runtime';
import {
  Allowlists,
  builtinToolRegistry,
  compileWorkflow,
  DEFAULT_ALLOWLISTS,
  MemoryBudgetGate,
  MemoryEventLog,
  MemoryTaskQueue,
  Orchestrator,
  parseWorkflowText,
  PolicyGate,
  RuleBasedAgent,
  TaskExecutor,
  unwrap,
  Worker,
  type AgentPolicy,
  type PolicyBundleSource,
  type WorkflowState,
} from '@kush/control';

export interface Harness {
  log: MemoryEventLog;
  queue: MemoryTaskQueue;
  budgets: MemoryBudgetGate;
  orchestrator: Orchestrator;
  workers: Worker[];
  run(
    yaml: string,
    options?: { workflow_id?: string; workspace_id?: string; policy_bundle_id?: string },
  ): Promise<{ state: WorkflowState; events: EventEnvelopeV1[] }>;
  close(): Promise<void>;
}

let counter = 0;
export const testWorkflowId = (): string => `00000000-0000-4000-8000-${(++counter).toString(16).padStart(12, '0')}`;

export async function memoryHarness(
  options: {
    concurrency?: number;
    workers?: number;
    budget_ueau?: number;
    clock?: Clock;
    agent?: AgentPolicy;
    policies?: PolicyBundleSource;
  } = {},
): Promise<Harness> {
  const clock = options.clock ?? systemClock;
  const log = new MemoryEventLog();
  const queue = new MemoryTaskQueue();
  const registry = builtinToolRegistry();
  const allowlists = unwrap(Allowlists.create(DEFAULT_ALLOWLISTS, registry));
  const budgets = new MemoryBudgetGate();
  budgets.setLimit('default', options.budget_ueau ?? 1_000_000_000);
  budgets.setLimit('acme', options.budget_ueau ?? 1_000_000_000);
  const policies = options.policies ? new PolicyGate(options.policies) : undefined;
  const executor = new TaskExecutor({
    registry,
    allowlists,
    agent: options.agent ?? new RuleBasedAgent(),
    budget: budgets,
    policies,
    clock,
    publish: (ws, events) => log.append(ws, events),
  });
  const orchestrator = new Orchestrator({ log, queue, clock, policies });
  const workers: Worker[] = [];
  for (let i = 0; i < (options.workers ?? 1); i++) {
    const w = new Worker(queue, executor);
    await w.start(options.concurrency ?? 8);
    workers.push(w);
  }
  return {
    log,
    queue,
    budgets,
    orchestrator,
    workers,
    async run(yaml, o = {}) {
      const file = unwrap(parseWorkflowText(yaml));
      const workspace = o.workspace_id ?? file.workspace ?? 'default';
      const plan = unwrap(
        compileWorkflow(
          file,
          {
            workflow_id: o.workflow_id ?? testWorkflowId(),
            workspace_id: workspace,
            policy_bundle_id: o.policy_bundle_id ?? 'default@1',
            created_at: clock.iso(),
          },
          registry,
        ),
      );
      await orchestrator.start(plan);
      const state = await orchestrator.wait(plan.workflow_id);
      return { state, events: log.events(workspace).filter((e) => e.workflow_id === plan.workflow_id) };
    },
    async close() {
      for (const w of workers) await w.stop();
      await orchestrator.close();
    },
  };
}

export const manualClock = (): ManualClock => new ManualClock(Date.parse('2026-02-21T00:00:00.000Z'));
