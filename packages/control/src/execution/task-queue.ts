// The seam between the orchestrator and the workers: a work queue of task envelopes. Each task
// goes to one consumer; a delivery not acknowledged (the worker died, or asked for a retry) is
// delivered again. Embedded runs use MemoryTaskQueue in-process; distributed runs a JetStream
// work-queue stream shared by every `kush worker`.
import type { TaskEnvelopeV1 } from '@kush/contracts';

export interface TaskDelivery {
  readonly task: TaskEnvelopeV1;
  /** Times this message was delivered (1 on first delivery). */
  readonly deliveries: number;
  ack(): Promise<void>;
  /** Puts the task back for another delivery after `delay_ms`. */
  nak(delay_ms?: number): Promise<void>;
}

export interface TaskConsumer {
  close(): Promise<void>;
}

export interface TaskQueue {
  enqueue(tasks: readonly TaskEnvelopeV1[]): Promise<void>;
  /** Runs `handler` on deliveries, at most `concurrency` at a time. */
  consume(handler: (delivery: TaskDelivery) => Promise<void>, options: { concurrency: number }): Promise<TaskConsumer>;
}

/** Most tasks one in-process queue holds. */
export const MEMORY_QUEUE_DEPTH_MAX = 1_000_000;

export class MemoryTaskQueue implements TaskQueue {
  readonly #ready: { task: TaskEnvelopeV1; deliveries: number }[] = [];
  #head = 0;
  readonly #consumers = new Set<{ wake: () => void }>();

  get depth(): number {
    return this.#ready.length - this.#head;
  }

  async enqueue(tasks: readonly TaskEnvelopeV1[]): Promise<void> {
    if (this.depth + tasks.length > MEMORY_QUEUE_DEPTH_MAX)
      throw new Error(`task queue: more than ${MEMORY_QUEUE_DEPTH_MAX} tasks waiting`);
    for (const task of tasks) this.#ready.push({ task, deliveries: 0 });
    for (const c of this.#consumers) c.wake();
  }

  #take(): { task: TaskEnvelopeV1; deliveries: number } | undefined {
    if (this.#head >= this.#ready.length) return undefined;
    const item = this.#ready[this.#head++]!;
    // Compact now and then so a long run does not keep every delivered task.
    if (this.#head > 4096 && this.#head * 2 > this.#ready.length) {
      this.#ready.splice(0, this.#head);
      this.#head = 0;
    }
    return item;
  }

  async consume(handler: (delivery: TaskDelivery) => Promise<void>, options: { concurrency: number }): Promise<TaskConsumer> {
    let closed = false;
    let active = 0;
    let idle: (() => void) | undefined;
    const consumer = {
      wake: () => {
        while (!closed && active < options.concurrency) {
          const item = this.#take();
          if (!item) break;
          active++;
          item.deliveries++;
          let settled = false;
          const delivery: TaskDelivery = {
            task: item.task,
            deliveries: item.deliveries,
            ack: async () => {
              settled = true;
            },
            nak: async (delay_ms = 0) => {
              settled = true;
              setTimeout(() => {
                this.#ready.push(item);
                for (const c of this.#consumers) c.wake();
              }, delay_ms);
            },
          };
          void handler(delivery)
            .catch(() => (settled ? undefined : delivery.nak()))
            .finally(() => {
              active--;
              if (closed && active === 0) idle?.();
              consumer.wake();
            });
        }
      },
    };
    this.#consumers.add(consumer);
    consumer.wake();
    return {
      close: async () => {
        closed = true;
        this.#consumers.delete(consumer);
        if (active > 0) await new Promise<void>((resolve) => (idle = resolve));
      },
    };
  }
}
