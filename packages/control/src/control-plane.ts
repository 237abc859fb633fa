// The control plane assembled: workspaces, users, policy bundles, the tool registry and
// allowlists, workflow records, the orchestrator and the executor, over one database, one event
// log and one task queue. Commands, the server and the tests use this, not the parts one by one.
import type { EventEnvelopeV1 } from '@kush/contracts';
import { newId, systemClock, type Clock, type Database, type Logger } from '@kush/runtime';
import type { Kysely } from 'kysely';
import type { AgentPolicy } from './agents/agent.js';
import { RuleBasedAgent } from './agents/rule-based-agent.js';
import { accepted, controlIssue, refused, unwrap, type Refusable } from './control-error.js';
import type { BudgetGate } from './execution/budget-gate.js';
import type { ControlEventLog } from './execution/event-log.js';
import { Orchestrator } from './execution/orchestrator.js';
import { TaskExecutor } from './execution/task-executor.js';
import type { TaskQueue } from './execution/task-queue.js';
import { Worker } from './execution/worker.js';
import { PolicyGate } from './policy/policy-gate.js';
import { PolicyStore } from './policy/policy-store.js';
import { migrateControl } from './store/control-migrations.js';
import type { ControlTables, ControlWorkflowRow } from './store/control-tables.js';
import { WorkflowRecords } from './store/workflow-records.js';
import type { UserBudgetLedger } from './tenancy/user-budgets.js';
import { Users } from './tenancy/users.js';
import { DEFAULT_WORKSPACE, Workspaces } from './tenancy/workspaces.js';
import { Allowlists, DEFAULT_ALLOWLISTS, type AllowlistMatrix } from './tools/allowlists.js';
import { builtinToolRegistry } from './tools/builtin-tools.js';
import type { ToolRegistry } from './tools/tool-registry.js';
import { parseWorkflowText, validateWorkflowFile, type WorkflowFile } from './workflow/workflow-definition.js';
import { WorkflowFold, type WorkflowState } from './workflow/workflow-fold.js';
import { compileWorkflow, type WorkflowPlan } from './workflow/workflow-plan.js';

/** (workspace, workflow) pairs a worker remembers as checked. */
export const SCOPE_CACHE_ENTRIES_MAX = 100_000;

export interface ControlPlaneOptions {
  readonly database: Database<unknown>;
  readonly log: ControlEventLog;
  readonly queue: TaskQueue;
  readonly budget: BudgetGate;
  readonly userBudgets: UserBudgetLedger;
  readonly clock?: Clock;
  readonly registry?: ToolRegistry;
  readonly allowlists?: AllowlistMatrix;
  readonly logger?: Logger;
  /** Creates an id for each new workflow (default: random UUIDs). */
  readonly newWorkflowId?: () => string;
}

export interface SubmitOptions {
  /** Overrides the file's workspace. */
  readonly workspace_id?: string | undefined;
  /** Overrides the file's policy_bundle (a name, or name@version). */
  readonly policy_bundle?: string | undefined;
  readonly workflow_id?: string | undefined;
}

export interface TaskStatusLine {
  readonly key: string;
  readonly task_id: string;
  readonly status: string;
  readonly attempt: number;
  readonly actual_eau_cost: number;
  readonly error_code: string | undefined;
  readonly compensated: boolean;
}

export interface WorkflowStatusReport {
  readonly workflow_id: string;
  readonly workspace_id: string;
  readonly name: string;
  readonly status: string;
  readonly policy_bundle_id: string;
  readonly task_count: number;
  readonly tasks_by_status: Record<string, number>;
  readonly tasks: readonly TaskStatusLine[];
  readonly actual_eau_cost: number;
  readonly violations: number;
  readonly budget_refusals: number;
  readonly policy_drifts: number;
  readonly event_count: number;
  readonly error_code: string | undefined;
  readonly error_message: string | undefined;
  readonly started_at: string | undefined;
  readonly ended_at: string | undefined;
  /** Events of this workflow the fold refused (illegal transitions); normally empty. */
  readonly refusals: readonly string[];
}

export class ControlPlane {
  readonly clock: Clock;
  readonly registry: ToolRegistry;
  readonly allowlists: Allowlists;
  readonly workspaces: Workspaces;
  readonly users: Users;
  readonly policies: PolicyStore;
  readonly policyGate: PolicyGate;
  readonly records: WorkflowRecords;
  readonly orchestrator: Orchestrator;
  readonly #workers: Worker[] = [];
  readonly #scoped = new Set<string>();

  private constructor(readonly options: ControlPlaneOptions) {
    const db = options.database.db as Kysely<ControlTables>;
    this.clock = options.clock ?? systemClock;
    this.registry = options.registry ?? builtinToolRegistry();
    this.allowlists = unwrap(Allowlists.create(options.allowlists ?? DEFAULT_ALLOWLISTS, this.registry));
    const publish = (ws: string, events: readonly EventEnvelopeV1[]) => options.log.append(ws, events);
    this.workspaces = new Workspaces(db, this.clock, publish);
    this.users = new Users(db, this.clock, this.workspaces, options.userBudgets, publish);
    this.policies = new PolicyStore(db, this.clock, publish);
    this.policyGate = new PolicyGate(this.policies);
    this.records = new WorkflowRecords(db);
    this.orchestrator = new Orchestrator({
      log: options.log,
      queue: options.queue,
      clock: this.clock,
      logger: options.logger,
      policies: this.policyGate,
      onSettled: (state) =>
        this.records.settle(state.workspace_id, state.workflow_id, state.status, state.ended_at ?? null, state.error_code ?? null),
    });
  }

  /** Migrates the control tables and makes sure the default workspace and its default bundle exist. */
  static async open(options: ControlPlaneOptions): Promise<ControlPlane> {
    await migrateControl(options.database);
    const plane = new ControlPlane(options);
    if (!(await plane.workspaces.get(DEFAULT_WORKSPACE))) unwrap(await plane.createWorkspace(DEFAULT_WORKSPACE, 'Default workspace'));
    return plane;
  }

  async createWorkspace(
    workspaceId: string,
    displayName?: string,
  ): Promise<Refusable<{ workspace_id: string; default_bundle_id: string }>> {
    const created = await this.workspaces.create(workspaceId, { display_name: displayName });
    if (!created.ok) return created;
    const bundle = await this.policies.ensureDefault(workspaceId);
    return accepted({ workspace_id: workspaceId, default_bundle_id: bundle.bundle_id });
  }

  /** Validates, pins the policy bundle, compiles and records a workflow; does not start it. */
  async plan(source: string | WorkflowFile, options: SubmitOptions = {}): Promise<Refusable<WorkflowPlan>> {
    const file = typeof source === 'string' ? parseWorkflowText(source) : validateWorkflowFile(source);
    if (!file.ok) return file;
    const workspaceId = options.workspace_id ?? file.value.workspace ?? DEFAULT_WORKSPACE;
    const workspace = await this.workspaces.requireActive(workspaceId);
    if (!workspace.ok) return workspace;
    const bundle = await this.policies.resolve(workspaceId, options.policy_bundle ?? file.value.policy_bundle ?? 'default');
    if (!bundle.ok) return bundle;
    const workflowId = options.workflow_id ?? this.options.newWorkflowId?.() ?? newId();
    const plan = compileWorkflow(
      file.value,
      { workflow_id: workflowId, workspace_id: workspaceId, policy_bundle_id: bundle.value.bundle_id, created_at: this.clock.iso() },
      this.registry,
    );
    if (!plan.ok) return plan;
    await this.records.insert({
      workspace_id: workspaceId,
      workflow_id: workflowId,
      name: file.value.name,
      status: 'pending',
      policy_bundle_id: bundle.value.bundle_id,
      file: JSON.stringify(file.value),
      task_count: plan.value.tasks.length,
      created_at: plan.value.created_at,
      ended_at: null,
      error_code: null,
    });
    return plan;
  }

  /** Plans and starts a workflow; resolves once its first tasks are queued. */
  async submit(source: string | WorkflowFile, options: SubmitOptions = {}): Promise<Refusable<WorkflowPlan>> {
    const plan = await this.plan(source, options);
    if (!plan.ok) return plan;
    await this.records.settle(plan.value.workspace_id, plan.value.workflow_id, 'running', null, null);
    await this.orchestrator.start(plan.value);
    return plan;
  }

  /** Submits and waits for the end. */
  async run(source: string | WorkflowFile, options: SubmitOptions = {}): Promise<Refusable<{ plan: WorkflowPlan; state: WorkflowState }>> {
    const plan = await this.submit(source, options);
    if (!plan.ok) return plan;
    const state = await this.orchestrator.wait(plan.value.workflow_id);
    return accepted({ plan: plan.value, state });
  }

  /** Takes over a recorded workflow that is not running here (its orchestrator stopped) and waits for its end. */
  async resume(workspaceId: string, workflowId: string): Promise<Refusable<WorkflowState>> {
    const row = await this.records.get(workspaceId, workflowId);
    if (!row) return refused(controlIssue('UNKNOWN_WORKFLOW', 'workflow_id', `workspace ${workspaceId} has no workflow ${workflowId}`));
    const plan = this.replan(row);
    if (!plan.ok) return plan;
    const state = await this.orchestrator.resume(plan.value);
    if (state.status === 'completed' || state.status === 'failed' || state.status === 'cancelled') return accepted(state);
    return accepted(await this.orchestrator.wait(workflowId));
  }

  /** The plan of a recorded workflow, compiled again from its file (same ids). */
  replan(row: ControlWorkflowRow): Refusable<WorkflowPlan> {
    const file = validateWorkflowFile(JSON.parse(row.file));
    if (!file.ok) return file;
    return compileWorkflow(
      file.value,
      { workflow_id: row.workflow_id, workspace_id: row.workspace_id, policy_bundle_id: row.policy_bundle_id, created_at: row.created_at },
      this.registry,
    );
  }

  /** Status rebuilt from the workspace's log (the truth), named with the plan's task keys. */
  async status(workspaceId: string, workflowId: string): Promise<Refusable<WorkflowStatusReport>> {
    const row = await this.records.get(workspaceId, workflowId);
    if (!row) return refused(controlIssue('UNKNOWN_WORKFLOW', 'workflow_id', `workspace ${workspaceId} has no workflow ${workflowId}`));
    const plan = this.replan(row);
    if (!plan.ok) return plan;
    const events: EventEnvelopeV1[] = [];
    for await (const e of this.options.log.read(workspaceId, workflowId)) events.push(e);
    const { fold, refusals } = WorkflowFold.rebuild(events);
    const state = fold.get(workflowId);
    return accepted(statusReport(row, plan.value, state, refusals));
  }

  executor(agent: AgentPolicy = new RuleBasedAgent()): TaskExecutor {
    return new TaskExecutor({
      registry: this.registry,
      allowlists: this.allowlists,
      agent,
      budget: this.options.budget,
      policies: this.policyGate,
      clock: this.clock,
      publish: (ws, events) => this.options.log.append(ws, events),
    });
  }

  /** Starts in-process workers on the queue (embedded runs, tests). */
  async startWorkers(count: number, concurrency: number, agent?: AgentPolicy): Promise<Worker[]> {
    const started: Worker[] = [];
    for (let i = 0; i < count; i++) {
      const worker = new Worker(this.options.queue, this.executor(agent), this.options.logger, (ws, wf) => this.#inScope(ws, wf));
      await worker.start(concurrency);
      started.push(worker);
      this.#workers.push(worker);
    }
    return started;
  }

  /** Whether a workflow is recorded in a workspace; positive answers are remembered (they never change). */
  async #inScope(workspaceId: string, workflowId: string): Promise<boolean> {
    const key = `${workspaceId}\u001f${workflowId}`;
    if (this.#scoped.has(key)) return true;
    const found = (await this.records.get(workspaceId, workflowId)) !== undefined;
    if (found) {
      if (this.#scoped.size >= SCOPE_CACHE_ENTRIES_MAX) this.#scoped.clear();
      this.#scoped.add(key);
    }
    return found;
  }

  async close(): Promise<void> {
    for (const w of this.#workers) await w.stop();
    this.#workers.length = 0;
    await this.orchestrator.close();
  }
}

function statusReport(
  row: ControlWorkflowRow,
  plan: WorkflowPlan,
  state: WorkflowState | undefined,
  refusals: readonly string[],
): WorkflowStatusReport {
  const tasks: TaskStatusLine[] = [];
  const byStatus: Record<string, number> = {};
  let cost = 0;
  for (const t of plan.tasks) {
    const s = state?.tasks.get(t.envelope.task_id);
    const undo = t.compensation ? state?.tasks.get(t.compensation.task_id) : undefined;
    const status = s?.status ?? 'waiting';
    byStatus[status] = (byStatus[status] ?? 0) + 1;
    cost += (s?.actual_eau_cost ?? 0) + (undo?.actual_eau_cost ?? 0);
    tasks.push({
      key: t.key,
      task_id: t.envelope.task_id,
      status,
      attempt: s?.attempt ?? 0,
      actual_eau_cost: s?.actual_eau_cost ?? 0,
      error_code: s?.error_code,
      compensated: undo?.status === 'completed',
    });
  }
  return {
    workflow_id: row.workflow_id,
    workspace_id: row.workspace_id,
    name: row.name,
    status: state?.status ?? row.status,
    policy_bundle_id: row.policy_bundle_id,
    task_count: plan.tasks.length,
    tasks_by_status: byStatus,
    tasks,
    actual_eau_cost: cost,
    violations: state?.violations ?? 0,
    budget_refusals: state?.budget_refusals ?? 0,
    policy_drifts: state?.policy_drifts ?? 0,
    event_count: state?.event_count ?? 0,
    error_code: state?.error_code,
    error_message: state?.error_message,
    started_at: state?.started_at,
    ended_at: state?.ended_at,
    refusals,
  };
}
