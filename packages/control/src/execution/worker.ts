// A worker takes task deliveries from the queue and carries them out. A task envelope that fails
// validation is dropped (acknowledged, counted, logged): nothing of it runs. If carrying out the
// task fails for a reason outside the task (the bus is unreachable), the delivery is not
// acknowledged and comes back.
import { formatIssues, validateTaskEnvelope } from '@kush/contracts';
import type { Logger } from '@kush/runtime';
import type { TaskExecutor } from './task-executor.js';
import type { TaskConsumer, TaskDelivery, TaskQueue } from './task-queue.js';

/** Most tasks one worker carries out at once. */
export const WORKER_CONCURRENCY_MAX = 1_024;
/** Delay before a delivery that failed for an infrastructure reason is retried. */
export const INFRASTRUCTURE_RETRY_DELAY_MS = 1_000;

export interface WorkerStats {
  completed: number;
  retrying: number;
  failed: number;
  invalid: number;
  /** Envelopes whose workflow does not belong to the workspace they name. */
  out_of_scope: number;
  redelivered: number;
  infrastructure_errors: number;
}

export class Worker {
  readonly stats: WorkerStats = {
    completed: 0,
    retrying: 0,
    failed: 0,
    invalid: 0,
    out_of_scope: 0,
    redelivered: 0,
    infrastructure_errors: 0,
  };
  #consumer: TaskConsumer | undefined;

  constructor(
    private readonly queue: TaskQueue,
    private readonly executor: TaskExecutor,
    private readonly logger?: Logger,
    /** Whether the task's workflow belongs to the workspace the envelope names (tenancy). */
    private readonly inScope?: (workspaceId: string, workflowId: string) => Promise<boolean>,
  ) {}

  async start(concurrency: number): Promise<void> {
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > WORKER_CONCURRENCY_MAX) {
      throw new RangeError(`concurrency: must be an integer from 1 to ${WORKER_CONCURRENCY_MAX}`);
    }
    this.#consumer = await this.queue.consume((d) => this.#handle(d), { concurrency });
  }

  async #handle(delivery: TaskDelivery): Promise<void> {
    const valid = validateTaskEnvelope(delivery.task);
    if (!valid.ok) {
      this.stats.invalid++;
      this.logger?.error({ issues: valid.issues }, `dropping an invalid task envelope:\n${formatIssues(valid.issues)}`);
      await delivery.ack();
      return;
    }
    if (this.inScope && !(await this.inScope(valid.value.workspace_id, valid.value.workflow_id))) {
      // Nothing crosses workspaces: a task naming a workspace its workflow is not in runs nowhere.
      this.stats.out_of_scope++;
      this.logger?.error(
        { task_id: valid.value.task_id },
        `dropping task ${valid.value.task_id}: workflow ${valid.value.workflow_id} is not in workspace ${valid.value.workspace_id}`,
      );
      await delivery.ack();
      return;
    }
    if (delivery.deliveries > 1) this.stats.redelivered++;
    try {
      const outcome = await this.executor.execute(valid.value);
      this.stats[outcome]++;
    } catch (error) {
      this.stats.infrastructure_errors++;
      this.logger?.warn({ err: error, task_id: valid.value.task_id }, 'task delivery failed; it will be delivered again');
      await delivery.nak(INFRASTRUCTURE_RETRY_DELAY_MS);
      return;
    }
    await delivery.ack();
  }

  async stop(): Promise<void> {
    await this.#consumer?.close();
    this.#consumer = undefined;
  }
}
