// The orchestrator runs workflows: it folds every event of the workspaces it serves, asks each
// workflow's scheduler what follows, and carries that out (publish events, enqueue tasks, time
// retries). Its state is exactly the fold of the log it reads, so a status rebuilt from the log
// equals what it saw live. It also watches policy events and reports drift when a running
// workflow's bundle is superseded or rolled back.
import type { EventEnvelopeV1 } from '@kush/contracts';
import type { Clock, Logger } from '@kush/runtime';
import { ControlError, controlIssue } from '../control-error.js';
import { POLICY_BUNDLE_PUBLISHED, POLICY_ROLLBACK_INITIATED } from '../policy/policy-events.js';
import type { PolicyGate } from '../policy/policy-gate.js';
import { policyDrift } from '../workflow/control-events.js';
import { isTerminalWorkflow } from '../workflow/state-machine.js';
import { newWorkflowState, WorkflowFold, type WorkflowState } from '../workflow/workflow-fold.js';
import type { WorkflowPlan } from '../workflow/workflow-plan.js';
import { WorkflowScheduler, type Step } from '../workflow/workflow-scheduler.js';
import type { ControlEventLog, EventFollower } from './event-log.js';
import type { TaskQueue } from './task-queue.js';

/** Most workflows one orchestrator runs at once. */
export const RUNNING_WORKFLOWS_MAX = 10_000;

export interface OrchestratorDeps {
  readonly log: ControlEventLog;
  readonly queue: TaskQueue;
  readonly clock: Clock;
  readonly logger?: Logger | undefined;
  /** For the diff in drift events; without it drift events name the bundles only. */
  readonly policies?: PolicyGate | undefined;
  /** Called once per workflow when it reaches a terminal state (persist its status, ...). */
  readonly onSettled?: ((state: WorkflowState, plan: WorkflowPlan) => Promise<void>) | undefined;
}

interface Running {
  readonly plan: WorkflowPlan;
  readonly scheduler: WorkflowScheduler;
  readonly waiters: { resolve: (s: WorkflowState) => void; reject: (e: unknown) => void }[];
}

export class Orchestrator {
  readonly fold = new WorkflowFold();
  readonly #followers = new Map<string, Promise<EventFollower>>();
  readonly #running = new Map<string, Running>();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #refusals: string[] = [];
  #serial: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(private readonly deps: OrchestratorDeps) {}

  /** Events the fold refused (illegal transitions), as messages; the same ones a rebuild refuses. */
  get refusals(): readonly string[] {
    return this.#refusals;
  }

  /** Starts a workflow; resolves once its first events and tasks are out. */
  async start(plan: WorkflowPlan): Promise<void> {
    if (this.#closed) throw new ControlError([controlIssue('ORCHESTRATOR_CLOSED', 'orchestrator', 'is closed')]);
    if (this.#running.has(plan.workflow_id) || this.fold.get(plan.workflow_id)) {
      throw new ControlError([controlIssue('WORKFLOW_EXISTS', `workflow ${plan.workflow_id}`, 'is already running here')]);
    }
    if (this.#running.size >= RUNNING_WORKFLOWS_MAX) {
      throw new ControlError([
        controlIssue('TOO_MANY_WORKFLOWS', 'orchestrator', `runs at most ${RUNNING_WORKFLOWS_MAX} workflows at once`),
      ]);
    }
    await this.#follow(plan.workspace_id);
    const scheduler = new WorkflowScheduler(plan);
    this.#running.set(plan.workflow_id, { plan, scheduler, waiters: [] });
    await this.#exclusive(() => this.#carryOut(plan, scheduler.start(this.deps.clock.iso())));
  }

  /**
   * Takes over a workflow another orchestrator started (it crashed, or its process ended): folds
   * the workflow's events from the log, then carries out what is left. Handlers are idempotent,
   * so tasks whose outcome is not in the log are simply delivered again.
   */
  async resume(plan: WorkflowPlan): Promise<WorkflowState> {
    if (this.#running.has(plan.workflow_id))
      throw new ControlError([controlIssue('WORKFLOW_EXISTS', `workflow ${plan.workflow_id}`, 'is already running here')]);
    await this.#follow(plan.workspace_id);
    const scheduler = new WorkflowScheduler(plan);
    const running: Running = { plan, scheduler, waiters: [] };
    this.#running.set(plan.workflow_id, running);
    // Inside the exclusive section: events that arrive meanwhile queue up behind the replay and
    // are applied after it, in order (the ones replayed already are dropped as duplicates).
    return this.#exclusive(async () => {
      for await (const e of this.deps.log.read(plan.workspace_id, plan.workflow_id)) {
        const applied = this.fold.apply(e);
        if (!applied.ok) this.#refusals.push(...applied.issues.map((i) => i.message));
      }
      const state = this.fold.get(plan.workflow_id) ?? newWorkflowState(plan.workflow_id);
      await this.#carryOut(plan, scheduler.resume(state, this.deps.clock.iso()));
      if (isTerminalWorkflow(state.status)) await this.#settle(running, state);
      return state;
    });
  }

  /** Resolves with the workflow's state when it reaches a terminal state. */
  wait(workflowId: string): Promise<WorkflowState> {
    const state = this.fold.get(workflowId);
    const running = this.#running.get(workflowId);
    if (!running) {
      if (state && isTerminalWorkflow(state.status)) return Promise.resolve(state);
      return Promise.reject(new ControlError([controlIssue('UNKNOWN_WORKFLOW', `workflow ${workflowId}`, 'is not running here')]));
    }
    return new Promise((resolve, reject) => running.waiters.push({ resolve, reject }));
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    for (const f of this.#followers.values()) await (await f).close();
    this.#followers.clear();
    for (const r of this.#running.values()) {
      for (const w of r.waiters)
        w.reject(
          new ControlError([
            controlIssue('ORCHESTRATOR_CLOSED', `workflow ${r.plan.workflow_id}`, 'the orchestrator closed before it finished'),
          ]),
        );
    }
  }

  async #follow(workspaceId: string): Promise<void> {
    let follower = this.#followers.get(workspaceId);
    if (!follower) {
      follower = this.deps.log.follow(workspaceId, (e) => this.#exclusive(() => this.#onEvent(workspaceId, e)));
      this.#followers.set(workspaceId, follower);
    }
    await follower;
  }

  /** One step at a time: event handling and retry timers never interleave. */
  #exclusive<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#serial.then(work);
    this.#serial = next.catch(() => undefined);
    return next;
  }

  async #onEvent(workspaceId: string, event: EventEnvelopeV1): Promise<void> {
    if (event.event_type === POLICY_BUNDLE_PUBLISHED || event.event_type === POLICY_ROLLBACK_INITIATED) {
      await this.#checkDrift(workspaceId, event);
      return;
    }
    const applied = this.fold.apply(event);
    if (!applied.ok) {
      this.#refusals.push(...applied.issues.map((i) => i.message));
      this.deps.logger?.warn({ issues: applied.issues, event_id: event.event_id }, 'event refused by the workflow fold');
      return;
    }
    if (applied.value !== 'applied') return;
    const running = this.#running.get(event.workflow_id);
    if (!running) return;
    const state = this.fold.get(event.workflow_id)!;
    try {
      await this.#carryOut(
        running.plan,
        running.scheduler.onEvent(event, state, () => this.deps.clock.iso()),
      );
    } catch (error) {
      this.#fail(running, error);
      return;
    }
    if (isTerminalWorkflow(state.status)) await this.#settle(running, state);
  }

  async #settle(running: Running, state: WorkflowState): Promise<void> {
    this.#running.delete(state.workflow_id);
    try {
      await this.deps.onSettled?.(state, running.plan);
    } catch (error) {
      for (const w of running.waiters) w.reject(error);
      return;
    }
    for (const w of running.waiters) w.resolve(state);
  }

  #fail(running: Running, error: unknown): void {
    this.deps.logger?.error({ err: error, workflow_id: running.plan.workflow_id }, 'orchestration step failed');
    this.#running.delete(running.plan.workflow_id);
    for (const w of running.waiters) w.reject(error);
  }

  async #carryOut(plan: WorkflowPlan, step: Step): Promise<void> {
    if (step.events.length > 0) await this.deps.log.append(plan.workspace_id, step.events);
    if (step.enqueue.length > 0) await this.deps.queue.enqueue(step.enqueue);
    for (const retry of step.retries) {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        void this.#exclusive(async () => {
          const running = this.#running.get(plan.workflow_id);
          const state = this.fold.get(plan.workflow_id);
          if (!running || !state) return;
          try {
            await this.#carryOut(plan, running.scheduler.retryDue(retry.task_id, state, this.deps.clock.iso()));
          } catch (error) {
            this.#fail(running, error);
          }
        });
      }, retry.delay_ms);
      this.#timers.add(timer);
    }
  }

  /** A bundle published or rolled back under the name a running workflow is pinned to is drift. */
  async #checkDrift(workspaceId: string, event: EventEnvelopeV1): Promise<void> {
    const p = event.payload as Record<string, unknown>;
    const actual = (event.event_type === POLICY_BUNDLE_PUBLISHED ? p['bundle_id'] : p['new_bundle_id']) as string;
    const name = actual.slice(0, actual.lastIndexOf('@'));
    for (const { plan } of this.#running.values()) {
      const pinned = plan.policy_bundle_id;
      if (plan.workspace_id !== workspaceId || pinned === actual || pinned.slice(0, pinned.lastIndexOf('@')) !== name) continue;
      let diff = `${actual} became the active ${name} bundle while the workflow runs pinned to ${pinned}`;
      if (this.deps.policies) {
        const [a, b] = await Promise.all([this.deps.policies.bundle(workspaceId, pinned), this.deps.policies.bundle(workspaceId, actual)]);
        if (a.ok && b.ok) diff += `: ${a.value.diff(b.value)}`;
      }
      const place = { workflow_id: plan.workflow_id, trace_id: plan.trace_id, policy_bundle_id: pinned, created_at: this.deps.clock.iso() };
      await this.deps.log.append(workspaceId, [
        policyDrift(place, { expected_bundle_id: pinned, actual_bundle_id: actual, diff_summary: diff }),
      ]);
    }
  }
}
