// Carries out one delivery of a task: publishes task.started, asks the agent for a plan, puts
// every proposed call through the gate (allowlist, known tool, input schema, pinned policy
// bundle, budget charge) before running it, and publishes the outcome with the agent's reasoning.
import { performance } from 'node:perf_hooks';
import type { AgentRole, EventEnvelopeV1, TaskEnvelopeV1 } from '@kush/contracts';
import type { Clock } from '@kush/runtime';
import type { AgentPlan, AgentPolicy } from '../agents/agent.js';
import { decisionEvents } from '../policy/policy-events.js';
import type { PolicyGate } from '../policy/policy-gate.js';
import type { Allowlists } from '../tools/allowlists.js';
import { ToolFailure } from '../tools/tool-failure.js';
import type { RegisteredTool, ToolRegistry } from '../tools/tool-registry.js';
import {
  agentActionLogged,
  budgetExceeded,
  taskCompleted,
  taskFailed,
  taskStarted,
  violationDetected,
  type EventPlace,
} from '../workflow/control-events.js';
import type { BudgetGate } from './budget-gate.js';

/** Most calls an agent may propose for one task. */
export const AGENT_ACTIONS_MAX = 64;
const SUMMARY_CHARS_MAX = 4096;

export type TaskOutcome = 'completed' | 'retrying' | 'failed';

export interface TaskExecutorDeps {
  readonly registry: ToolRegistry;
  readonly allowlists: Allowlists;
  readonly agent: AgentPolicy;
  readonly budget: BudgetGate;
  /** When present, every call is evaluated under the task's pinned bundle. */
  readonly policies?: PolicyGate | undefined;
  readonly clock: Clock;
  publish(workspaceId: string, events: readonly EventEnvelopeV1[]): Promise<void>;
}

interface ActionRecord {
  tool: string;
  reasoning: string;
  outcome: string;
  cost_ueau: number;
}

class Stop extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

export class TaskExecutor {
  readonly #toolsByRole = new Map<AgentRole, RegisteredTool[]>();

  constructor(private readonly deps: TaskExecutorDeps) {}

  /** The tools a role may call, as registered tools (fixed for the executor's life). */
  #toolsOf(role: AgentRole): RegisteredTool[] {
    let tools = this.#toolsByRole.get(role);
    if (!tools) {
      tools = this.deps.allowlists
        .toolsOf(role)
        .map((n) => this.deps.registry.get(n))
        .filter((t): t is RegisteredTool => t !== undefined);
      this.#toolsByRole.set(role, tools);
    }
    return tools;
  }

  #place(task: TaskEnvelopeV1): EventPlace {
    return {
      workflow_id: task.workflow_id,
      trace_id: task.trace_id,
      policy_bundle_id: task.policy_bundle_id,
      created_at: this.deps.clock.iso(),
    };
  }

  async execute(task: TaskEnvelopeV1): Promise<TaskOutcome> {
    const { deps } = this;
    // Not awaited here: the bus keeps the order of appends, so started lands before the outcome,
    // and the task does not wait a round trip before it begins.
    const started = deps.publish(task.workspace_id, [
      taskStarted(this.#place(task), {
        task_id: task.task_id,
        attempt: task.attempt,
        agent_role: task.agent_role,
        tool_calls_expected: task.tool_calls.length,
      }),
    ]);
    started.catch(() => undefined);
    const began = performance.now();
    const controller = new AbortController();
    const timeout = new Promise<never>((_, reject) => {
      controller.signal.addEventListener(
        'abort',
        () => reject(new Stop('TASK_TIMEOUT', `task exceeded its timeout of ${task.timeout_ms} ms`, true)),
        { once: true },
      );
    });
    timeout.catch(() => undefined);
    const timer = setTimeout(() => controller.abort(), task.timeout_ms);
    const extra: EventEnvelopeV1[] = [];
    const records: ActionRecord[] = [];
    let plan: AgentPlan | undefined;
    let charged = 0;
    let completedCalls = 0;
    let stop: Stop | undefined;
    try {
      const allowed = this.#toolsOf(task.agent_role);
      plan = await Promise.race([deps.agent.plan(task, allowed, controller.signal), timeout]).catch((error: unknown) => {
        if (error instanceof Stop) throw error;
        throw new Stop('AGENT_ERROR', `agent ${deps.agent.actor_id} failed to plan: ${(error as Error).message}`, true);
      });
      if (plan.actions.length > AGENT_ACTIONS_MAX) {
        throw new Stop('AGENT_PLAN_TOO_LONG', `agent proposed ${plan.actions.length} calls; at most ${AGENT_ACTIONS_MAX}`, false);
      }
      for (const [i, action] of plan.actions.entries()) {
        const record: ActionRecord = { tool: action.call.tool_name, reasoning: action.reasoning, outcome: 'not_run', cost_ueau: 0 };
        records.push(record);
        const cost = await this.#gate(task, i, action.call.tool_name, action.call.input, record, extra);
        const tool = deps.registry.get(action.call.tool_name)!;
        if (cost > 0) {
          const charge = await deps.budget.charge({
            workspace_id: task.workspace_id,
            amount_ueau: cost,
            idempotency_key: `${task.idempotency_key}:${task.attempt}:${i}`,
            workflow_id: task.workflow_id,
            task_id: task.task_id,
            tool_name: tool.name,
            policy_bundle_id: task.policy_bundle_id,
            trace_id: task.trace_id,
            created_at: deps.clock.iso(),
          });
          if (!charge.ok) {
            record.outcome = `refused: ${charge.code}`;
            if (!charge.reported) {
              extra.push(
                budgetExceeded(this.#place(task), {
                  task_id: task.task_id,
                  attempt: task.attempt,
                  call_index: i,
                  workspace_id: task.workspace_id,
                  budget_limit: charge.budget_limit,
                  actual_spend: charge.actual_spend,
                  overage_amount: charge.overage_amount,
                }),
              );
            }
            throw new Stop(charge.code, charge.message, false);
          }
          charged += charge.charged_ueau;
          record.cost_ueau = charge.charged_ueau;
        }
        try {
          const context = {
            workspace_id: task.workspace_id,
            workflow_id: task.workflow_id,
            task_id: task.task_id,
            attempt: task.attempt,
            signal: controller.signal,
          };
          const result = tool.run(action.call.input, context);
          // A tool that answers synchronously needs no race against the timeout.
          if (result instanceof Promise) await Promise.race([result, timeout]);
        } catch (error) {
          if (error instanceof Stop) {
            record.outcome = `failed: ${error.code}`;
            throw error;
          }
          const failure = error instanceof ToolFailure ? error : new ToolFailure('TOOL_ERROR', `${tool.name}: ${(error as Error).message}`);
          record.outcome = `failed: ${failure.code}`;
          throw new Stop(failure.code, failure.message, failure.retryable);
        }
        record.outcome = 'ok';
        completedCalls++;
      }
    } catch (error) {
      if (!(error instanceof Stop)) throw error;
      stop = error;
    } finally {
      clearTimeout(timer);
    }
    const duration_ms = performance.now() - began;
    const place = this.#place(task);
    extra.push(
      agentActionLogged(place, {
        task_id: task.task_id,
        attempt: task.attempt,
        actor_id: deps.agent.actor_id,
        change_summary: summarize(plan, records, stop),
      }),
    );
    let outcome: TaskOutcome;
    if (stop) {
      const willRetry = stop.retryable && task.attempt < task.max_attempts;
      outcome = willRetry ? 'retrying' : 'failed';
      extra.push(
        taskFailed(place, {
          task_id: task.task_id,
          attempt: task.attempt,
          error_code: stop.code,
          error_message: stop.message,
          partial_results: { attempt: task.attempt, will_retry: willRetry, tool_calls_completed: completedCalls, actual_eau_cost: charged },
        }),
      );
    } else {
      outcome = 'completed';
      extra.push(
        taskCompleted(place, {
          task_id: task.task_id,
          attempt: task.attempt,
          status: task.task_type === 'compensation' ? 'compensated' : 'completed',
          tool_calls_count: completedCalls,
          actual_eau_cost: charged,
          duration_ms,
        }),
      );
    }
    await started;
    await deps.publish(task.workspace_id, extra);
    return outcome;
  }

  /** Allowlist, registry, input schema and policy; returns the call's cost or throws a Stop. */
  async #gate(
    task: TaskEnvelopeV1,
    i: number,
    toolName: string,
    input: unknown,
    record: ActionRecord,
    extra: EventEnvelopeV1[],
  ): Promise<number> {
    const { deps } = this;
    const path = `task ${task.task_id} call ${i}`;
    const allowed = deps.allowlists.check(task.agent_role, toolName, path);
    if (!allowed.ok) {
      record.outcome = 'denied: not in the role allowlist';
      extra.push(
        violationDetected(this.#place(task), {
          task_id: task.task_id,
          attempt: task.attempt,
          call_index: i,
          violation_type: 'tool_misuse',
          severity_level: 'high',
          remediation_action: 'suspend_workflow',
        }),
      );
      throw new Stop('TOOL_DENIED', allowed.issues[0]!.message, false);
    }
    const tool = deps.registry.get(toolName);
    if (!tool) {
      record.outcome = 'refused: unknown tool';
      throw new Stop('UNKNOWN_TOOL', `${path}: ${toolName} is not a registered tool`, false);
    }
    const valid = deps.registry.validateInput(tool, input, 'input');
    if (!valid.ok) {
      record.outcome = 'refused: invalid input';
      throw new Stop('TOOL_INPUT_INVALID', `${path} (${toolName}): ${valid.issues.map((x) => x.message).join('; ')}`, false);
    }
    if (deps.policies) {
      const bundle = await deps.policies.bundle(task.workspace_id, task.policy_bundle_id);
      if (!bundle.ok) {
        record.outcome = 'refused: unknown policy bundle';
        throw new Stop('POLICY_BUNDLE_UNKNOWN', bundle.issues[0]!.message, false);
      }
      const context = {
        workspace: task.workspace_id,
        role: task.agent_role,
        tool: tool.name,
        category: tool.category,
        cost_ueau: tool.cost_ueau,
        task_type: task.task_type,
        attempt: task.attempt,
        input: input as Record<string, unknown>,
      };
      const evaluation = bundle.value.evaluate(context);
      if (evaluation.decision !== 'allow') {
        record.outcome = `refused: policy ${evaluation.decision}`;
        // Allow decisions inside workflows are not published (they are nearly every call, and the
        // call's own events record it ran); every other decision is, with the facts behind it.
        extra.push(
          ...decisionEvents(this.#place(task), task.task_id, {
            evaluation_key: `${task.idempotency_key}:${task.attempt}:${i}`,
            bundle_id: task.policy_bundle_id,
            context,
            decision: evaluation.decision,
            facts: bundle.value.facts(evaluation, context),
          }),
        );
        throw new Stop(
          `POLICY_${evaluation.decision.toUpperCase()}`,
          `${path} (${tool.name}): policy ${task.policy_bundle_id} decided ${evaluation.decision}`,
          false,
        );
      }
    }
    return tool.cost_ueau;
  }
}

/** The agent's reasoning next to each outcome, as JSON that fits an audit entry. */
function summarize(plan: AgentPlan | undefined, records: readonly ActionRecord[], stop: Stop | undefined): string {
  const head = {
    reasoning: (plan?.reasoning ?? '(no plan)').slice(0, 1024),
    result: stop ? `${stop.code}: ${stop.message}`.slice(0, 512) : 'completed',
  };
  const actions: ActionRecord[] = [];
  let text = JSON.stringify({ ...head, actions });
  for (const r of records) {
    const entry = { ...r, reasoning: r.reasoning.slice(0, 512) };
    const next = JSON.stringify({ ...head, actions: [...actions, entry] });
    if (next.length > SUMMARY_CHARS_MAX - 32) return JSON.stringify({ ...head, actions, truncated: records.length - actions.length });
    actions.push(entry);
    text = next;
  }
  return text;
}
