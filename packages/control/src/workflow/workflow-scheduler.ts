// The scheduler decides what happens next from the plan and the folded state: which tasks become
// ready, when a retry is due, when the saga starts and ends, when the workflow is done. It never
// performs anything: it returns a Step (events to publish, tasks to enqueue, retries to time) that
// the orchestrator carries out. Its only input of time is the `at` it is given.
import type { EventEnvelopeV1, TaskEnvelopeV1 } from '@kush/contracts';
import { ControlError, controlIssue } from '../control-error.js';
import {
  TASK_COMPLETED,
  TASK_FAILED,
  taskFailed,
  taskScheduled,
  workflowCompleted,
  workflowFailed,
  workflowStarted,
  type EventPlace,
} from './control-events.js';
import { retryDelayMs, type WorkflowPlan } from './workflow-plan.js';
import type { WorkflowState } from './workflow-fold.js';

export interface RetryTimer {
  readonly task_id: string;
  readonly delay_ms: number;
}

export interface Step {
  readonly events: EventEnvelopeV1[];
  readonly enqueue: TaskEnvelopeV1[];
  readonly retries: RetryTimer[];
}

const emptyStep = (): Step => ({ events: [], enqueue: [], retries: [] });

export class WorkflowScheduler {
  /** Dependencies not yet completed, per DAG node. */
  readonly #waiting: Int32Array;
  /** Saga: compensations to run, next first; undefined until the saga begins. */
  #sagaQueue: number[] | undefined;
  #finished = false;
  readonly #retriesPending = new Set<string>();

  constructor(readonly plan: WorkflowPlan) {
    this.#waiting = Int32Array.from(plan.dag.parents, (p) => p.length);
  }

  get finished(): boolean {
    return this.#finished;
  }

  #place(at: string): EventPlace {
    return {
      workflow_id: this.plan.workflow_id,
      trace_id: this.plan.trace_id,
      policy_bundle_id: this.plan.policy_bundle_id,
      created_at: at,
    };
  }

  #schedule(step: Step, envelope: TaskEnvelopeV1, at: string): void {
    step.events.push(
      taskScheduled(this.#place(at), {
        task_id: envelope.task_id,
        attempt: envelope.attempt,
        task_type: envelope.task_type,
        estimated_eau_cost: envelope.estimated_eau_cost,
      }),
    );
    step.enqueue.push(envelope);
  }

  /** workflow.started and the roots of the DAG. */
  start(at: string): Step {
    const step = emptyStep();
    step.events.push(
      workflowStarted(this.#place(at), {
        agent_role: this.plan.agent_role,
        workspace_id: this.plan.workspace_id,
        initial_task_count: this.plan.tasks.length,
      }),
    );
    for (const root of this.plan.dag.roots) this.#schedule(step, this.plan.tasks[root]!.envelope, at);
    return step;
  }

  /**
   * Rebuilds the scheduler's memory from a folded state (after a restart) and returns what must
   * be (re)done: tasks ready but never scheduled, retries to time again, and redelivery of tasks
   * scheduled or started whose outcome is not in the log (their handlers are idempotent).
   */
  resume(state: WorkflowState, at: string): Step {
    const step = emptyStep();
    if (state.status === 'completed' || state.status === 'failed' || state.status === 'cancelled') {
      this.#finished = true;
      return step;
    }
    if (state.status === 'pending') return this.start(at);
    for (const [i, t] of this.plan.tasks.entries()) {
      if (state.tasks.get(t.envelope.task_id)?.status === 'completed') for (const c of this.plan.dag.children[i]!) this.#waiting[c]!--;
    }
    for (const t of state.tasks.values()) {
      if (t.status === 'scheduled' || t.status === 'started') step.enqueue.push(this.#envelopeFor(t.task_id, t.attempt));
      if (t.status === 'retrying') {
        this.#retriesPending.add(t.task_id);
        step.retries.push({ task_id: t.task_id, delay_ms: 0 });
      }
    }
    if (state.status === 'running') {
      for (const [i, t] of this.plan.tasks.entries()) {
        if (this.#waiting[i] === 0 && !state.tasks.has(t.envelope.task_id)) this.#schedule(step, t.envelope, at);
      }
    }
    this.#advance(step, state, () => at);
    return step;
  }

  #envelopeFor(taskId: string, attempt: number): TaskEnvelopeV1 {
    const i = this.plan.indexOfTask.get(taskId);
    const base =
      i !== undefined ? this.plan.tasks[i]!.envelope : this.plan.tasks[this.plan.indexOfCompensation.get(taskId)!]!.compensation!;
    return attempt === base.attempt ? base : { ...base, attempt };
  }

  /**
   * Called after the fold applied `event` (of this workflow) to `state`. `now` is asked for the
   * time only when something is emitted (most events change nothing here).
   */
  onEvent(event: EventEnvelopeV1, state: WorkflowState, now: string | (() => string)): Step {
    const step = emptyStep();
    let cached: string | undefined;
    const at = (): string => (cached ??= typeof now === 'string' ? now : now());
    if (this.#finished) return step;
    const p = event.payload as Record<string, unknown>;
    if (event.event_type === TASK_COMPLETED && p['status'] === 'completed') {
      const i = this.plan.indexOfTask.get(p['task_id'] as string);
      if (i !== undefined && state.status === 'running') {
        for (const c of this.plan.dag.children[i]!) {
          if (--this.#waiting[c]! === 0) this.#schedule(step, this.plan.tasks[c]!.envelope, at());
        }
      }
    } else if (event.event_type === TASK_FAILED) {
      const task = state.tasks.get(p['task_id'] as string);
      if (task?.status === 'retrying') {
        if (state.status === 'running' || task.compensation) {
          this.#retriesPending.add(task.task_id);
          step.retries.push({ task_id: task.task_id, delay_ms: retryDelayMs(this.plan, task.attempt) });
        } else this.#abandon(step, task.task_id, task.attempt, at());
      }
    }
    this.#advance(step, state, at);
    return step;
  }

  /** A retry timer fired: schedule the next attempt (unless the workflow moved on). */
  retryDue(taskId: string, state: WorkflowState, at: string): Step {
    const step = emptyStep();
    if (!this.#retriesPending.delete(taskId) || this.#finished) return step;
    const task = state.tasks.get(taskId);
    if (task?.status !== 'retrying') return step;
    if (state.status === 'running' || (state.status === 'compensating' && task.compensation)) {
      this.#schedule(step, this.#envelopeFor(taskId, task.attempt + 1), at);
    } else this.#abandon(step, taskId, task.attempt, at);
    this.#advance(step, state, () => at);
    return step;
  }

  #abandon(step: Step, taskId: string, attempt: number, at: string): void {
    this.#retriesPending.delete(taskId);
    step.events.push(
      taskFailed(this.#place(at), {
        task_id: taskId,
        attempt,
        abandoned: true,
        error_code: 'WORKFLOW_ABORTED',
        error_message: 'retry abandoned: the workflow stopped scheduling (saga in progress)',
        partial_results: { attempt, will_retry: false, tool_calls_completed: 0, actual_eau_cost: 0 },
      }),
    );
  }

  /** Completion and the saga, decided on counts the fold keeps. */
  #advance(step: Step, state: WorkflowState, at: () => string): void {
    if (state.status === 'running') {
      if (state.completed_tasks === this.plan.tasks.length) {
        this.#finished = true;
        step.events.push(
          workflowCompleted(this.#place(at()), {
            status: 'completed',
            task_count_executed: state.completed_tasks,
            event_count: state.event_count + 1,
            duration_ms: Math.max(0, Date.parse(at()) - Date.parse(state.started_at ?? at())),
          }),
        );
      }
      return;
    }
    if (state.status !== 'compensating') return;
    // Pending events of this very step count as in flight: scheduled or abandoned just now.
    const inFlight = state.task_counts.scheduled + state.task_counts.started + state.task_counts.retrying;
    if (this.#sagaQueue === undefined) {
      if (inFlight > 0 || step.events.length > 0) return;
      this.#sagaQueue = [...state.tasks.values()]
        .filter((t) => !t.compensation && t.status === 'completed')
        .sort((a, b) => b.completed_seq - a.completed_seq)
        .map((t) => this.plan.indexOfTask.get(t.task_id)!)
        .filter((i) => this.plan.tasks[i]!.compensation !== undefined);
    } else if (inFlight > 0 || step.events.length > 0) return;
    const next = this.#sagaQueue.shift();
    if (next !== undefined) {
      this.#schedule(step, this.plan.tasks[next]!.compensation!, at());
      return;
    }
    this.#finished = true;
    const failed = state.failed_task_id;
    if (!failed)
      throw new ControlError([controlIssue('SAGA_WITHOUT_FAILURE', `workflow ${state.workflow_id}`, 'compensating without a failed task')]);
    const undone = state.compensations_completed;
    const notUndone = state.compensations_failed;
    step.events.push(
      workflowFailed(this.#place(at()), {
        error_code: state.error_code ?? 'TASK_FAILED',
        error_message:
          `${state.error_message ?? 'task failed'}; saga: ${undone} compensation(s) completed` +
          (notUndone > 0 ? `, ${notUndone} failed` : ''),
        task_id_when_failed: failed,
      }),
    );
  }
}
