// From a validated workflow file to the tasks that run: fan-out expanded, dependencies resolved to
// task ids, one TaskEnvelopeV1 per task (and one per compensation). Ids derive from the workflow id
// and the task key, so the same file and workflow id always give the same plan.
import { deterministicUuid, type AgentRole, type TaskEnvelopeV1, type ToolCall } from '@kush/contracts';
import { accepted, controlIssue, refused, type ControlIssue, type Refusable } from '../control-error.js';
import type { ToolRegistry } from '../tools/tool-registry.js';
import { buildDag, type Dag } from './dag.js';
import {
  DEFAULT_BACKOFF_INITIAL_MS,
  DEFAULT_BACKOFF_MAX_MS,
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_TIMEOUT_MS,
  WORKFLOW_TASKS_MAX,
  type ToolCallFile,
  type WorkflowFile,
} from './workflow-definition.js';

export interface PlanOptions {
  readonly workflow_id: string;
  readonly workspace_id: string;
  /** The bundle pinned for the workflow's lifetime, `<name>@<version>`. */
  readonly policy_bundle_id: string;
  readonly created_at: string;
}

export interface PlannedTask {
  /** `deploy`, or `shard[3]` for a fan-out copy. */
  readonly key: string;
  readonly envelope: TaskEnvelopeV1;
  readonly compensation: TaskEnvelopeV1 | undefined;
}

export interface WorkflowPlan {
  readonly workflow_id: string;
  readonly workspace_id: string;
  readonly name: string;
  readonly agent_role: AgentRole;
  readonly policy_bundle_id: string;
  readonly trace_id: string;
  readonly created_at: string;
  readonly backoff_initial_ms: number;
  readonly backoff_max_ms: number;
  /** Index i is node i of the DAG. */
  readonly tasks: readonly PlannedTask[];
  readonly dag: Dag;
  readonly indexOfTask: ReadonlyMap<string, number>;
  readonly indexOfCompensation: ReadonlyMap<string, number>;
  readonly estimated_eau_cost: number;
}

export const taskIdOf = (workflowId: string, key: string): string => deterministicUuid('kush.control.task', workflowId, key);
export const compensationIdOf = (workflowId: string, key: string): string =>
  deterministicUuid('kush.control.compensation', workflowId, key);

const INDEX_TEMPLATE = /\$\{index\}/g;

function instantiate(value: unknown, index: number | undefined): unknown {
  if (index === undefined) return value;
  if (typeof value === 'string') return value.replace(INDEX_TEMPLATE, String(index));
  if (Array.isArray(value)) return value.map((v) => instantiate(v, index));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, instantiate(v, index)]));
  }
  return value;
}

export function compileWorkflow(file: WorkflowFile, options: PlanOptions, registry: ToolRegistry): Refusable<WorkflowPlan> {
  const issues: ControlIssue[] = [];
  // Expand fan-out: the copies of each file task, by key.
  const copies = new Map<string, number[]>();
  const keys: string[] = [];
  const origin: { fileIndex: number; copy: number | undefined }[] = [];
  for (const [fileIndex, task] of file.tasks.entries()) {
    const n = task.fan_out;
    const indices: number[] = [];
    for (let c = 0; c < (n ?? 1); c++) {
      indices.push(keys.length);
      keys.push(n === undefined ? task.id : `${task.id}[${c}]`);
      origin.push({ fileIndex, copy: n === undefined ? undefined : c });
      if (keys.length > WORKFLOW_TASKS_MAX) {
        return refused(
          controlIssue('INVALID_WORKFLOW', `tasks.${fileIndex}.fan_out`, `the workflow expands to more than ${WORKFLOW_TASKS_MAX} tasks`),
        );
      }
    }
    copies.set(task.id, indices);
  }

  const parents: number[][] = [];
  const dependencyCache = new Map<number, number[]>();
  for (const { fileIndex } of origin) {
    const cached = dependencyCache.get(fileIndex);
    if (cached) {
      parents.push(cached);
      continue;
    }
    const deps: number[] = [];
    for (const [d, dep] of (file.tasks[fileIndex]!.depends_on ?? []).entries()) {
      const path = `tasks.${fileIndex}.depends_on.${d}`;
      const bracket = dep.indexOf('[');
      const base = bracket < 0 ? dep : dep.slice(0, bracket);
      const group = copies.get(base);
      if (!group) {
        issues.push(controlIssue('INVALID_WORKFLOW', path, `names unknown task ${base}`));
        continue;
      }
      if (bracket < 0) deps.push(...group);
      else {
        const copy = Number(dep.slice(bracket + 1, -1));
        if (file.tasks.find((t) => t.id === base)!.fan_out === undefined || copy >= group.length) {
          issues.push(controlIssue('INVALID_WORKFLOW', path, `${dep}: ${base} has no copy ${copy}`));
          continue;
        }
        deps.push(group[copy]!);
      }
    }
    const unique = [...new Set(deps)];
    if (unique.length > 1024) {
      issues.push(
        controlIssue(
          'INVALID_WORKFLOW',
          `tasks.${fileIndex}.depends_on`,
          `expands to ${unique.length} tasks; at most 1024 (TASK_DEPENDENCIES_MAX)`,
        ),
      );
    }
    dependencyCache.set(fileIndex, unique);
    parents.push(unique);
  }
  if (issues.length > 0) return refused(...issues);

  const dag = buildDag(keys, parents);
  if (!dag.ok) return dag;

  const defaults = file.defaults ?? {};
  const trace_id = deterministicUuid('kush.control.trace', options.workflow_id);
  const taskIds = keys.map((k) => taskIdOf(options.workflow_id, k));
  const tasks: PlannedTask[] = [];
  let estimated = 0;
  const toolCalls = (
    calls: readonly ToolCallFile[],
    copy: number | undefined,
    path: string,
  ): { calls: ToolCall[]; cost: number; category: string | undefined } => {
    let cost = 0;
    let category: string | undefined;
    const out: ToolCall[] = [];
    for (const [c, call] of calls.entries()) {
      const tool = registry.get(call.tool);
      if (!tool) {
        issues.push(controlIssue('UNKNOWN_TOOL', `${path}.${c}.tool`, `${call.tool} is not a registered tool (see \`kush tool list\`)`));
        continue;
      }
      category ??= tool.category;
      cost += tool.cost_ueau;
      out.push({ tool_name: call.tool, input: instantiate(call.input ?? {}, copy) as Record<string, unknown> });
    }
    return { calls: out, cost, category };
  };
  for (let i = 0; i < keys.length; i++) {
    const { fileIndex, copy } = origin[i]!;
    const task = file.tasks[fileIndex]!;
    const main = toolCalls(task.tools, copy, `tasks.${fileIndex}.tools`);
    const role = task.role ?? file.agent_role;
    const common = {
      workflow_id: options.workflow_id,
      workspace_id: options.workspace_id,
      agent_role: role,
      policy_bundle_id: options.policy_bundle_id,
      trace_id,
      attempt: 1,
      max_attempts: task.max_attempts ?? defaults.max_attempts ?? DEFAULT_MAX_ATTEMPTS,
      timeout_ms: task.timeout_ms ?? defaults.timeout_ms ?? DEFAULT_TIMEOUT_MS,
      created_at: options.created_at,
    };
    const envelope: TaskEnvelopeV1 = {
      ...common,
      task_id: taskIds[i]!,
      task_type: task.type ?? main.category ?? 'noop',
      tool_calls: main.calls,
      estimated_eau_cost: main.cost,
      depends_on: dag.value.parents[i]!.map((p) => taskIds[p]!),
      idempotency_key: `${options.workflow_id}:${keys[i]}`,
    };
    estimated += main.cost;
    let compensation: TaskEnvelopeV1 | undefined;
    if (task.compensate && task.compensate.length > 0) {
      const undo = toolCalls(task.compensate, copy, `tasks.${fileIndex}.compensate`);
      compensation = {
        ...common,
        task_id: compensationIdOf(options.workflow_id, keys[i]!),
        task_type: 'compensation',
        tool_calls: undo.calls,
        estimated_eau_cost: undo.cost,
        depends_on: [],
        idempotency_key: `${options.workflow_id}:${keys[i]}:compensation`,
      };
    }
    tasks.push({ key: keys[i]!, envelope, compensation });
  }
  if (issues.length > 0) return refused(...issues);
  const indexOfTask = new Map(taskIds.map((id, i) => [id, i]));
  const indexOfCompensation = new Map<string, number>();
  tasks.forEach((t, i) => t.compensation && indexOfCompensation.set(t.compensation.task_id, i));
  const backoff_initial_ms = defaults.backoff_initial_ms ?? DEFAULT_BACKOFF_INITIAL_MS;
  return accepted({
    workflow_id: options.workflow_id,
    workspace_id: options.workspace_id,
    name: file.name,
    agent_role: file.agent_role,
    policy_bundle_id: options.policy_bundle_id,
    trace_id,
    created_at: options.created_at,
    backoff_initial_ms,
    backoff_max_ms: defaults.backoff_max_ms ?? Math.max(DEFAULT_BACKOFF_MAX_MS, backoff_initial_ms),
    tasks,
    dag: dag.value,
    indexOfTask,
    indexOfCompensation,
    estimated_eau_cost: estimated,
  });
}

/** Delay before attempt `attempt + 1`: doubling from the initial delay, capped. No jitter: replays schedule alike. */
export function retryDelayMs(plan: Pick<WorkflowPlan, 'backoff_initial_ms' | 'backoff_max_ms'>, failedAttempt: number): number {
  const doubled = plan.backoff_initial_ms * 2 ** Math.min(failedAttempt - 1, 30);
  return Math.min(plan.backoff_max_ms, doubled);
}
