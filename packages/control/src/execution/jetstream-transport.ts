// The distributed transport: control's events and its work queue on NATS JetStream.
//   events: stream <PREFIX>_EVENTS, subject <root>.events.<workspace>, message id = event id
//           (the server's duplicate window drops a re-sent event), read and followed with
//           ordered consumers filtered to one workspace.
//   tasks:  stream <PREFIX>_TASKS with work-queue retention, subject <root>.tasks.<workspace>,
//           one durable pull consumer shared by every worker. A worker marks a delivery as
//           in progress (`working`) while the task runs; if the worker dies, the ack deadline
//           passes and the server delivers the task to another worker.
import { validateEnvelope, type EventEnvelopeV1, type TaskEnvelopeV1 } from '@kush/contracts';
import {
  AckPolicy,
  DeliverPolicy,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { ControlError, fromValidationIssues } from '../control-error.js';
import type { ControlEventLog, EventFollower } from './event-log.js';
import type { TaskConsumer, TaskDelivery, TaskQueue } from './task-queue.js';

/** Publishes in flight at once (acks pipelined, as DESIGN.md section 5 asks). */
export const PUBLISH_WINDOW_MAX = 1_000;
/** Tasks carried by one work-queue message. */
export const TASKS_PER_MESSAGE_MAX = 16;
/** Events carried by one message. */
export const EVENTS_PER_MESSAGE_MAX = 256;
/** Default time a worker has to ack or mark progress before its delivery goes to another. */
export const DEFAULT_ACK_WAIT_MS = 10_000;

export interface JetStreamOptions {
  readonly url: string;
  /** Stream name prefix (upper case); tests use a unique one per run. Default KUSH_CONTROL. */
  readonly prefix?: string;
  readonly ack_wait_ms?: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class JetStreamTransport {
  readonly events: ControlEventLog;
  readonly tasks: TaskQueue;

  private constructor(
    readonly nc: NatsConnection,
    readonly js: JetStreamClient,
    readonly jsm: JetStreamManager,
    readonly names: { events_stream: string; tasks_stream: string; workers: string; root: string },
    ackWaitMs: number,
  ) {
    this.events = new JetStreamEventLog(this);
    this.tasks = new JetStreamTaskQueue(this, ackWaitMs);
  }

  static async connect(options: JetStreamOptions): Promise<JetStreamTransport> {
    const prefix = options.prefix ?? 'KUSH_CONTROL';
    if (!/^[A-Z][A-Z0-9_]{0,40}$/.test(prefix)) throw new RangeError('prefix: must match ^[A-Z][A-Z0-9_]{0,40}$');
    const root = prefix.toLowerCase();
    const names = { events_stream: `${prefix}_EVENTS`, tasks_stream: `${prefix}_TASKS`, workers: `${prefix}_WORKERS`, root };
    const nc = await connect({ servers: options.url.replace(/^nats:\/\//, ''), name: 'kush-control' });
    const jsm = await jetstreamManager(nc);
    const ackWaitMs = options.ack_wait_ms ?? DEFAULT_ACK_WAIT_MS;
    await ensureStream(jsm, { name: names.events_stream, subjects: [`${root}.events.>`], retention: RetentionPolicy.Limits });
    await ensureStream(jsm, { name: names.tasks_stream, subjects: [`${root}.tasks.>`], retention: RetentionPolicy.Workqueue });
    try {
      await jsm.consumers.info(names.tasks_stream, names.workers);
    } catch {
      await jsm.consumers.add(names.tasks_stream, {
        durable_name: names.workers,
        ack_policy: AckPolicy.Explicit,
        ack_wait: ackWaitMs * 1_000_000,
        max_deliver: -1,
        filter_subject: `${root}.tasks.>`,
        max_ack_pending: 100_000,
      });
    }
    return new JetStreamTransport(nc, jetstream(nc), jsm, names, ackWaitMs);
  }

  /** Deletes both streams (tests, benchmarks). */
  async destroy(): Promise<void> {
    await this.jsm.streams.delete(this.names.events_stream).catch(() => undefined);
    await this.jsm.streams.delete(this.names.tasks_stream).catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.nc.drain().catch(() => undefined);
  }

  /** Publishes with at most PUBLISH_WINDOW_MAX acks outstanding; order of arrival is order of sending. */
  async publishAll(items: readonly { subject: string; data: Uint8Array; msgID: string }[]): Promise<void> {
    for (let i = 0; i < items.length; i += PUBLISH_WINDOW_MAX) {
      await Promise.all(items.slice(i, i + PUBLISH_WINDOW_MAX).map((m) => this.js.publish(m.subject, m.data, { msgID: m.msgID })));
    }
  }
}

async function ensureStream(
  jsm: JetStreamManager,
  config: { name: string; subjects: string[]; retention: RetentionPolicy },
): Promise<void> {
  try {
    await jsm.streams.info(config.name);
  } catch {
    await jsm.streams.add({ ...config, duplicate_window: 120 * 1_000_000_000 });
  }
}

function decodeEvents(data: Uint8Array): EventEnvelopeV1[] {
  const value = JSON.parse(decoder.decode(data)) as EventEnvelopeV1 | EventEnvelopeV1[];
  return Array.isArray(value) ? value : [value];
}

/** Event ids a follower remembers to drop re-sent events; older ones are forgotten first. */
export const FOLLOW_SEEN_IDS_MAX = 200_000;

class JetStreamEventLog implements ControlEventLog {
  readonly #pending: { workspaceId: string; events: readonly EventEnvelopeV1[]; resolve: () => void; reject: (e: unknown) => void }[] = [];
  #scheduled = false;

  constructor(private readonly t: JetStreamTransport) {}

  #subject(workspaceId: string): string {
    return `${this.t.names.root}.events.${workspaceId}`;
  }

  /**
   * Appends made in the same turn of the event loop travel together (group commit): in order, in
   * messages of up to EVENTS_PER_MESSAGE_MAX events. A message id names its first event and its
   * count, so the same message sent again is dropped by the server; an event re-sent in another
   * grouping (a task redelivered after a crash) is dropped by the readers, which yield each event
   * id once.
   */
  append(workspaceId: string, events: readonly EventEnvelopeV1[]): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    for (const e of events) {
      const valid = validateEnvelope(e);
      if (!valid.ok) return Promise.reject(new ControlError(fromValidationIssues('INVALID_EVENT', valid.issues, e.event_type)));
    }
    return new Promise((resolve, reject) => {
      this.#pending.push({ workspaceId, events, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => void this.#flush());
      }
    });
  }

  async #flush(): Promise<void> {
    const group = this.#pending.splice(0);
    this.#scheduled = false;
    const byWorkspace = new Map<string, EventEnvelopeV1[]>();
    for (const g of group) {
      let list = byWorkspace.get(g.workspaceId);
      if (!list) byWorkspace.set(g.workspaceId, (list = []));
      list.push(...g.events);
    }
    const messages: { subject: string; data: Uint8Array; msgID: string }[] = [];
    for (const [workspaceId, events] of byWorkspace) {
      const subject = this.#subject(workspaceId);
      for (let i = 0; i < events.length; i += EVENTS_PER_MESSAGE_MAX) {
        const batch = events.slice(i, i + EVENTS_PER_MESSAGE_MAX);
        messages.push({ subject, data: encoder.encode(JSON.stringify(batch)), msgID: `${batch[0]!.event_id}+${batch.length}` });
      }
    }
    try {
      await this.t.publishAll(messages);
    } catch (error) {
      for (const g of group) g.reject(error);
      return;
    }
    for (const g of group) g.resolve();
  }

  async *read(workspaceId: string, workflowId?: string): AsyncIterable<EventEnvelopeV1> {
    const info = await this.t.jsm.streams.info(this.t.names.events_stream, { subjects_filter: this.#subject(workspaceId) });
    const count = info.state.subjects?.[this.#subject(workspaceId)] ?? 0;
    if (count === 0) return;
    const consumer = await this.t.js.consumers.get(this.t.names.events_stream, {
      filter_subjects: this.#subject(workspaceId),
      deliver_policy: DeliverPolicy.All,
    });
    const messages = await consumer.consume();
    let seen = 0;
    const ids = new Set<string>();
    try {
      for await (const m of messages) {
        seen++;
        for (const e of decodeEvents(m.data)) {
          if (ids.has(e.event_id)) continue;
          ids.add(e.event_id);
          if (!workflowId || e.workflow_id === workflowId) yield e;
        }
        if (m.info.pending === 0 || seen >= count) break;
      }
    } finally {
      await messages.close();
    }
  }

  async follow(workspaceId: string, handler: (event: EventEnvelopeV1) => Promise<void> | void): Promise<EventFollower> {
    // Start right after the stream's last message: events appended once follow() returns are seen.
    const info = await this.t.jsm.streams.info(this.t.names.events_stream);
    const consumer = await this.t.js.consumers.get(this.t.names.events_stream, {
      filter_subjects: this.#subject(workspaceId),
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: info.state.last_seq + 1,
    });
    const messages = await consumer.consume({ max_messages: 2_000 });
    const loop = (async () => {
      const ids = new Set<string>();
      for await (const m of messages) {
        for (const e of decodeEvents(m.data)) {
          if (ids.has(e.event_id)) continue;
          ids.add(e.event_id);
          if (ids.size > FOLLOW_SEEN_IDS_MAX) ids.delete(ids.values().next().value!);
          await handler(e);
        }
      }
    })();
    return {
      close: async () => {
        await messages.close();
        await loop.catch(() => undefined);
      },
    };
  }
}

class JetStreamTaskQueue implements TaskQueue {
  constructor(
    private readonly t: JetStreamTransport,
    private readonly ackWaitMs: number,
  ) {}

  /**
   * Tasks enqueued together travel in packs of up to TASKS_PER_MESSAGE_MAX per message (a fan-out
   * of 10,000 is 625 publishes, not 10,000). A pack goes to one worker, is acknowledged when all
   * its tasks are, and comes back whole if that worker dies; its tasks are idempotent.
   */
  async enqueue(tasks: readonly TaskEnvelopeV1[]): Promise<void> {
    const byWorkspace = new Map<string, TaskEnvelopeV1[]>();
    for (const task of tasks) {
      let list = byWorkspace.get(task.workspace_id);
      if (!list) byWorkspace.set(task.workspace_id, (list = []));
      list.push(task);
    }
    const messages: { subject: string; data: Uint8Array; msgID: string }[] = [];
    for (const [workspaceId, list] of byWorkspace) {
      for (let i = 0; i < list.length; i += TASKS_PER_MESSAGE_MAX) {
        const pack = list.slice(i, i + TASKS_PER_MESSAGE_MAX);
        messages.push({
          subject: `${this.t.names.root}.tasks.${workspaceId}`,
          data: encoder.encode(JSON.stringify(pack)),
          msgID: `${pack[0]!.task_id}:${pack[0]!.attempt}+${pack.length}`,
        });
      }
    }
    await this.t.publishAll(messages);
  }

  async consume(handler: (delivery: TaskDelivery) => Promise<void>, options: { concurrency: number }): Promise<TaskConsumer> {
    const consumer = await this.t.js.consumers.get(this.t.names.tasks_stream, this.t.names.workers);
    // Concurrency counts tasks; a pack takes as many slots as it has tasks.
    const messages = await consumer.consume({ max_messages: Math.max(1, Math.ceil(options.concurrency / TASKS_PER_MESSAGE_MAX)) });
    let active = 0;
    let slotFree: (() => void) | undefined;
    const running = new Set<Promise<void>>();
    const loop = (async () => {
      for await (const m of messages) {
        while (active >= options.concurrency) await new Promise<void>((resolve) => (slotFree = resolve));
        const done = this.#handle(m, handler, (n) => (active += n));
        running.add(done);
        void done.finally(() => {
          running.delete(done);
          const free = slotFree;
          slotFree = undefined;
          free?.();
        });
      }
    })();
    return {
      close: async () => {
        await messages.close();
        await loop.catch(() => undefined);
        await Promise.all(running);
      },
    };
  }

  async #handle(m: JsMsg, handler: (delivery: TaskDelivery) => Promise<void>, occupy: (slots: number) => void): Promise<void> {
    let tasks: TaskEnvelopeV1[];
    try {
      const value = JSON.parse(decoder.decode(m.data)) as TaskEnvelopeV1 | TaskEnvelopeV1[];
      tasks = Array.isArray(value) ? value : [value];
    } catch {
      m.term();
      return;
    }
    occupy(tasks.length);
    // Keep the delivery ours while its tasks run; a dead worker stops these and loses it.
    const heartbeat = setInterval(() => m.working(), Math.max(100, Math.floor(this.ackWaitMs / 3)));
    let naked: number | undefined;
    try {
      await Promise.all(
        tasks.map(async (task) => {
          let settled = false;
          const delivery: TaskDelivery = {
            task,
            deliveries: m.info.deliveryCount,
            ack: async () => {
              settled = true;
            },
            nak: async (delay_ms = 0) => {
              settled = true;
              naked = Math.max(naked ?? 0, delay_ms);
            },
          };
          try {
            await handler(delivery);
          } catch {
            if (!settled) naked = Math.max(naked ?? 0, 1_000);
          } finally {
            occupy(-1);
          }
        }),
      );
    } finally {
      clearInterval(heartbeat);
    }
    // A plain ack (no confirmation round trip): if it is lost the pack comes back, and handling
    // its tasks again is idempotent (deterministic event ids, keyed charges).
    if (naked === undefined) m.ack();
    else m.nak(naked);
  }
}
