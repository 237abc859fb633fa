// Opens the control plane the way the configuration says: embedded (events in the shared
// database, the work queue and workers in this process) or distributed (events and the work
// queue on NATS JetStream, workers in `kush worker` processes). Same code above the transport.
import type { Clock, Database, Logger } from '@kush/runtime';
import { ControlPlane } from './control-plane.js';
import { DatabaseBudgetGate } from './execution/database-budget-gate.js';
import { DatabaseEventLog } from './execution/database-event-log.js';
import { JetStreamTransport } from './execution/jetstream-transport.js';
import { MemoryTaskQueue } from './execution/task-queue.js';
import { DatabaseUserBudgets } from './tenancy/database-user-budgets.js';
import { DEFAULT_WORKSPACE } from './tenancy/workspaces.js';

/** Budget of a workspace created without one: 1,000 EAU. */
export const DEFAULT_WORKSPACE_BUDGET_UEAU = 1_000_000_000;

export interface ControlRuntime {
  readonly mode: 'embedded' | 'distributed';
  readonly plane: ControlPlane;
  readonly budgets: DatabaseBudgetGate;
  readonly transport: JetStreamTransport | undefined;
  /** Creates a workspace with its default bundle and budget. */
  createWorkspace(
    workspaceId: string,
    options?: { display_name?: string | undefined; budget_ueau?: number | undefined },
  ): ReturnType<ControlPlane['createWorkspace']>;
  close(): Promise<void>;
}

export async function openControlRuntime(options: {
  database: Database<unknown>;
  busUrl?: string | undefined;
  streamPrefix?: string | undefined;
  ackWaitMs?: number | undefined;
  clock?: Clock | undefined;
  logger?: Logger | undefined;
}): Promise<ControlRuntime> {
  const transport = options.busUrl
    ? await JetStreamTransport.connect({ url: options.busUrl, prefix: options.streamPrefix, ack_wait_ms: options.ackWaitMs })
    : undefined;
  const budgets = new DatabaseBudgetGate(options.database);
  const plane = await ControlPlane.open({
    database: options.database,
    log: transport?.events ?? new DatabaseEventLog(options.database),
    queue: transport?.tasks ?? new MemoryTaskQueue(),
    budget: budgets,
    userBudgets: new DatabaseUserBudgets(options.database),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  if (!(await budgets.budget(DEFAULT_WORKSPACE))) await budgets.setLimit(DEFAULT_WORKSPACE, DEFAULT_WORKSPACE_BUDGET_UEAU);
  return {
    mode: transport ? 'distributed' : 'embedded',
    plane,
    budgets,
    transport,
    async createWorkspace(workspaceId, o = {}) {
      const created = await plane.createWorkspace(workspaceId, o.display_name);
      if (created.ok) await budgets.setLimit(workspaceId, o.budget_ueau ?? DEFAULT_WORKSPACE_BUDGET_UEAU);
      return created;
    },
    async close() {
      await plane.close();
      await transport?.close();
    },
  };
}
