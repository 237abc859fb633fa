// Workflow and task state as a fold over venture.workflow.* and venture.task.* events. No clock
// is read here: every time comes from an event. Folding the same log in the same order always
// gives the same state, whether live (the orchestrator) or rebuilt (status, replay).
import { canonicalJson, type AgentRole, type EventEnvelopeV1 } from '@kush/contracts';
import { accepted, controlIssue, refused, type Refusable } from '../control-error.js';
import {
  AUDIT_LOG_ENTRY,
  BUDGET_EXCEEDED,
  POLICY_DRIFT,
  TASK_COMPLETED,
  TASK_FAILED,
  TASK_SCHEDULED,
  TASK_STARTED,
  VIOLATION_DETECTED,
  WORKFLOW_COMPLETED,
  WORKFLOW_FAILED,
  WORKFLOW_STARTED,
} from './control-events.js';
import { taskTransition, workflowTransition, type TaskStatus, type WorkflowStatus } from './state-machine.js';

export interface TaskState {
  readonly task_id: string;
  task_type: string;
  status: TaskStatus;
  /** Attempt in progress or last made, from 1. */
  attempt: number;
  /** A compensation task (saga) rather than a task of the DAG. */
  readonly compensation: boolean;
  estimated_eau_cost: number;
  /** Cost charged over all attempts. */
  actual_eau_cost: number;
  tool_calls_count: number;
  /** Position among the workflow's completions (1-based); the saga undoes in reverse. */
  completed_seq: number;
  error_code: string | undefined;
  error_message: string | undefined;
  scheduled_at: string;
  ended_at: string | undefined;
}

export interface WorkflowState {
  readonly workflow_id: string;
  status: WorkflowStatus;
  workspace_id: string;
  agent_role: AgentRole | undefined;
  policy_bundle_id: string;
  initial_task_count: number;
  readonly tasks: Map<string, TaskState>;
  /** Tasks per status, for the scheduler's "is it settled" questions without a scan. */
  readonly task_counts: Record<TaskStatus, number>;
  /** DAG tasks completed (compensations not counted). */
  completed_tasks: number;
  compensations_completed: number;
  compensations_failed: number;
  violations: number;
  budget_refusals: number;
  policy_drifts: number;
  agent_actions: number;
  /** Distinct events folded for this workflow. */
  event_count: number;
  started_at: string | undefined;
  ended_at: string | undefined;
  error_code: string | undefined;
  error_message: string | undefined;
  failed_task_id: string | undefined;
  readonly seen: Set<string>;
}

const emptyCounts = (): Record<TaskStatus, number> => ({ scheduled: 0, started: 0, completed: 0, failed: 0, retrying: 0 });

export function newWorkflowState(workflowId: string): WorkflowState {
  return {
    workflow_id: workflowId,
    status: 'pending',
    workspace_id: '',
    agent_role: undefined,
    policy_bundle_id: '',
    initial_task_count: 0,
    tasks: new Map(),
    task_counts: emptyCounts(),
    completed_tasks: 0,
    compensations_completed: 0,
    compensations_failed: 0,
    violations: 0,
    budget_refusals: 0,
    policy_drifts: 0,
    agent_actions: 0,
    event_count: 0,
    started_at: undefined,
    ended_at: undefined,
    error_code: undefined,
    error_message: undefined,
    failed_task_id: undefined,
    seen: new Set(),
  };
}

/** What applying one event did: `duplicate` for an event id seen before, `ignored` for types the fold does not track. */
export type FoldOutcome = 'applied' | 'duplicate' | 'ignored';

export class WorkflowFold {
  readonly #workflows = new Map<string, WorkflowState>();

  get(workflowId: string): WorkflowState | undefined {
    return this.#workflows.get(workflowId);
  }

  workflows(): WorkflowState[] {
    return [...this.#workflows.values()];
  }

  /**
   * Applies one event. An event that would make an illegal transition is refused with an issue
   * naming it, and leaves the state as it was; the same event is refused the same way on replay.
   */
  apply(event: EventEnvelopeV1): Refusable<FoldOutcome> {
    if (!TRACKED.has(event.event_type)) return accepted('ignored');
    let wf = this.#workflows.get(event.workflow_id);
    if (wf?.seen.has(event.event_id)) return accepted('duplicate');
    const p = event.payload as Record<string, unknown>;
    const fresh = wf === undefined;
    wf ??= newWorkflowState(event.workflow_id);
    const result = applyTo(wf, event, p);
    if (!result.ok) return result;
    if (fresh) this.#workflows.set(event.workflow_id, wf);
    wf.seen.add(event.event_id);
    wf.event_count++;
    return accepted('applied');
  }

  /** Folds a whole log; refused events are collected, not fatal (they were refused live too). */
  static rebuild(events: Iterable<EventEnvelopeV1>): { fold: WorkflowFold; refusals: string[] } {
    const fold = new WorkflowFold();
    const refusals: string[] = [];
    for (const e of events) {
      const r = fold.apply(e);
      if (!r.ok) refusals.push(...r.issues.map((i) => i.message));
    }
    return { fold, refusals };
  }
}

const TRACKED = new Set([
  WORKFLOW_STARTED,
  WORKFLOW_COMPLETED,
  WORKFLOW_FAILED,
  TASK_SCHEDULED,
  TASK_STARTED,
  TASK_COMPLETED,
  TASK_FAILED,
  VIOLATION_DETECTED,
  BUDGET_EXCEEDED,
  POLICY_DRIFT,
  AUDIT_LOG_ENTRY,
]);

function moveWorkflow(wf: WorkflowState, to: WorkflowStatus, cause: string): Refusable<true> {
  const t = workflowTransition(wf.workflow_id, wf.status, to, cause);
  if (!t.ok) return t;
  wf.status = to;
  return accepted(true);
}

function moveTask(wf: WorkflowState, task: TaskState, to: TaskStatus, cause: string): Refusable<true> {
  const t = taskTransition(task.task_id, task.status, to, cause);
  if (!t.ok) return t;
  wf.task_counts[task.status]--;
  wf.task_counts[to]++;
  task.status = to;
  return accepted(true);
}

function taskOf(wf: WorkflowState, p: Record<string, unknown>, cause: string): Refusable<TaskState> {
  const task = wf.tasks.get(p['task_id'] as string);
  if (task) return accepted(task);
  return refused(
    controlIssue('UNKNOWN_TASK', `task ${String(p['task_id'])}`, `${cause} for a task never scheduled in workflow ${wf.workflow_id}`),
  );
}

function applyTo(wf: WorkflowState, event: EventEnvelopeV1, p: Record<string, unknown>): Refusable<true> {
  const type = event.event_type;
  const at = event.created_at;
  switch (type) {
    case WORKFLOW_STARTED: {
      const moved = moveWorkflow(wf, 'running', type);
      if (!moved.ok) return moved;
      wf.workspace_id = p['workspace_id'] as string;
      wf.agent_role = p['agent_role'] as AgentRole;
      wf.policy_bundle_id = p['policy_bundle_id'] as string;
      wf.initial_task_count = p['initial_task_count'] as number;
      wf.started_at = at;
      return moved;
    }
    case WORKFLOW_COMPLETED: {
      const moved = moveWorkflow(wf, p['status'] === 'cancelled' ? 'cancelled' : 'completed', type);
      if (moved.ok) wf.ended_at = at;
      return moved;
    }
    case WORKFLOW_FAILED: {
      const moved = moveWorkflow(wf, 'failed', type);
      if (!moved.ok) return moved;
      wf.ended_at = at;
      wf.error_code = p['error_code'] as string;
      wf.error_message = p['error_message'] as string;
      wf.failed_task_id = p['task_id_when_failed'] as string;
      return moved;
    }
    case TASK_SCHEDULED: {
      const taskType = p['task_type'] as string;
      const compensation = taskType === 'compensation';
      const allowed: WorkflowStatus = compensation ? 'compensating' : 'running';
      if (wf.status !== allowed) {
        return refused(
          controlIssue(
            'ILLEGAL_TRANSITION',
            `task ${String(p['task_id'])}`,
            `${type} while workflow ${wf.workflow_id} is ${wf.status} (must be ${allowed})`,
          ),
        );
      }
      const existing = wf.tasks.get(p['task_id'] as string);
      if (existing) {
        const moved = moveTask(wf, existing, 'scheduled', type);
        if (!moved.ok) return moved;
        existing.attempt++;
        return moved;
      }
      wf.tasks.set(p['task_id'] as string, {
        task_id: p['task_id'] as string,
        task_type: taskType,
        status: 'scheduled',
        attempt: 1,
        compensation,
        estimated_eau_cost: p['estimated_eau_cost'] as number,
        actual_eau_cost: 0,
        tool_calls_count: 0,
        completed_seq: 0,
        error_code: undefined,
        error_message: undefined,
        scheduled_at: at,
        ended_at: undefined,
      });
      wf.task_counts.scheduled++;
      return accepted(true);
    }
    case TASK_STARTED: {
      const task = taskOf(wf, p, type);
      return task.ok ? moveTask(wf, task.value, 'started', type) : task;
    }
    case TASK_COMPLETED: {
      const task = taskOf(wf, p, type);
      if (!task.ok) return task;
      const t = task.value;
      const compensated = p['status'] === 'compensated';
      if (compensated !== t.compensation) {
        return refused(
          controlIssue(
            'ILLEGAL_TRANSITION',
            `task ${t.task_id}`,
            `status ${String(p['status'])} is only for ${compensated ? 'compensation' : 'DAG'} tasks`,
          ),
        );
      }
      const moved = moveTask(wf, t, 'completed', type);
      if (!moved.ok) return moved;
      t.actual_eau_cost += p['actual_eau_cost'] as number;
      t.tool_calls_count += p['tool_calls_count'] as number;
      t.ended_at = at;
      if (t.compensation) wf.compensations_completed++;
      else t.completed_seq = ++wf.completed_tasks;
      return moved;
    }
    case TASK_FAILED: {
      const task = taskOf(wf, p, type);
      if (!task.ok) return task;
      const t = task.value;
      const results = p['partial_results'] as { will_retry?: unknown; actual_eau_cost?: unknown };
      const retry = results.will_retry === true;
      const moved = moveTask(wf, t, retry ? 'retrying' : 'failed', type);
      if (!moved.ok) return moved;
      if (typeof results.actual_eau_cost === 'number') t.actual_eau_cost += results.actual_eau_cost;
      t.error_code = p['error_code'] as string;
      t.error_message = p['error_message'] as string;
      if (retry) return moved;
      t.ended_at = at;
      if (t.compensation) {
        wf.compensations_failed++;
        return moved;
      }
      // A DAG task failing for good starts the saga: the workflow compensates, then fails.
      if (wf.status === 'running') {
        const saga = moveWorkflow(wf, 'compensating', `${type} of task ${t.task_id}`);
        if (!saga.ok) return saga;
        wf.failed_task_id = t.task_id;
        wf.error_code = t.error_code;
        wf.error_message = t.error_message;
      }
      return moved;
    }
    case VIOLATION_DETECTED:
      wf.violations++;
      return accepted(true);
    case BUDGET_EXCEEDED:
      wf.budget_refusals++;
      return accepted(true);
    case POLICY_DRIFT:
      wf.policy_drifts++;
      return accepted(true);
    case AUDIT_LOG_ENTRY:
      wf.agent_actions++;
      return accepted(true);
    default:
      return accepted(true);
  }
}

/** A plain, ordered picture of a workflow's state, for comparison (live vs rebuilt) and output. */
export function workflowSnapshot(wf: WorkflowState): Record<string, unknown> {
  const tasks = [...wf.tasks.values()].map((t) => ({ ...t })).sort((a, b) => (a.task_id < b.task_id ? -1 : a.task_id > b.task_id ? 1 : 0));
  const { seen: _seen, tasks: _tasks, ...rest } = wf;
  return JSON.parse(canonicalJson({ ...rest, task_counts: { ...wf.task_counts }, tasks })) as Record<string, unknown>;
}
