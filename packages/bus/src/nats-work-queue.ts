// The work queue on NATS JetStream: a stream per queue with work-queue retention (an acked message
// is removed), subjects <root>.wq.<workspace>.<name>, and one durable pull consumer shared by all
// workers, so the server hands each message to one worker and redelivers it after the ack wait.
import { AckPolicy, jetstream, jetstreamManager, JetStreamApiError, RetentionPolicy, type JsMsg } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { BusError } from './bus-error.js';
import {
  checkPull,
  checkPush,
  checkWorkQueueOptions,
  type PullOptions,
  type WorkItem,
  type WorkQueue,
  type WorkQueueOptions,
} from './work-queue.js';

/** Pushes in flight at once (acks pipelined). */
const PUSH_WINDOW_MAX = 1_000;
const NS_PER_MS = 1_000_000;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export interface NatsWorkQueueOptions extends WorkQueueOptions {
  readonly url: string;
  /** Stream name prefix (default KUSH_BUS); tests use a unique one. */
  readonly prefix?: string;
}

export async function openNatsWorkQueue<T = unknown>(options: NatsWorkQueueOptions): Promise<NatsWorkQueue<T>> {
  const { name, workspace, ackWaitMs } = checkWorkQueueOptions(options);
  const prefix = options.prefix ?? 'KUSH_BUS';
  if (!/^[A-Z][A-Z0-9_]{0,40}$/.test(prefix))
    throw new BusError('INVALID_OPTION', [{ path: 'prefix', rule: 'pattern', message: 'prefix: must match ^[A-Z][A-Z0-9_]{0,40}$' }]);
  const nc = await connect({ servers: options.url.replace(/^nats:\/\//, ''), name: 'kush-work-queue' });
  const jsm = await jetstreamManager(nc);
  const stream = `${prefix}_WQ_${workspace}_${name}`;
  const subject = `${prefix.toLowerCase()}.wq.${workspace}.${name}`;
  try {
    try {
      await jsm.streams.info(stream);
    } catch (error) {
      if (!(error instanceof JetStreamApiError)) throw error;
      await jsm.streams
        .add({ name: stream, subjects: [subject], retention: RetentionPolicy.Workqueue })
        .catch(async (addError: unknown) => {
          await jsm.streams.info(stream).catch(() => {
            throw addError;
          });
        });
    }
    try {
      await jsm.consumers.info(stream, 'workers');
    } catch (error) {
      if (!(error instanceof JetStreamApiError)) throw error;
      await jsm.consumers
        .add(stream, {
          durable_name: 'workers',
          ack_policy: AckPolicy.Explicit,
          ack_wait: ackWaitMs * NS_PER_MS,
          max_deliver: -1,
          max_ack_pending: 100_000,
        })
        .catch(async (addError: unknown) => {
          await jsm.consumers.info(stream, 'workers').catch(() => {
            throw addError;
          });
        });
    }
  } catch (error) {
    await nc.close().catch(() => undefined);
    throw error;
  }
  return new NatsWorkQueue<T>(nc, stream, subject, name);
}

export class NatsWorkQueue<T> implements WorkQueue<T> {
  #closed = false;

  constructor(
    readonly nc: NatsConnection,
    readonly stream: string,
    readonly subject: string,
    readonly name: string,
  ) {}

  async push(payloads: readonly T[]): Promise<void> {
    checkPush(payloads);
    const js = jetstream(this.nc);
    for (let i = 0; i < payloads.length; i += PUSH_WINDOW_MAX) {
      await Promise.all(payloads.slice(i, i + PUSH_WINDOW_MAX).map((p) => js.publish(this.subject, encoder.encode(JSON.stringify(p)))));
    }
  }

  async pull(options: PullOptions = {}): Promise<WorkItem<T>[]> {
    const { max, waitMs } = checkPull(options);
    const consumer = await jetstream(this.nc).consumers.get(this.stream, 'workers');
    const out: WorkItem<T>[] = [];
    // A pull request stays open at least a second on the server (an empty queue costs that wait);
    // it ends early once nothing more is pending for the consumer.
    const batch = await consumer.fetch({ max_messages: max, expires: Math.max(1_000, waitMs) });
    for await (const m of batch) {
      out.push(toItem<T>(m));
      if (out.length >= max || m.info.pending === 0) break;
    }
    return out;
  }

  async size(): Promise<number> {
    const info = await (await jetstream(this.nc).consumers.get(this.stream, 'workers')).info();
    return info.num_pending + info.num_ack_pending;
  }

  /** Deletes the queue's stream (tests, benchmarks). */
  async destroy(): Promise<void> {
    await (await jetstreamManager(this.nc)).streams.delete(this.stream).catch(() => undefined);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.nc.drain().catch(() => undefined);
  }
}

function toItem<T>(m: JsMsg): WorkItem<T> {
  return {
    id: String(m.seq),
    payload: JSON.parse(decoder.decode(m.data)) as T,
    deliveryCount: m.info.deliveryCount,
    ack: async () => {
      await m.ackAck();
    },
    nak: async (delayMs?: number) => m.nak(delayMs),
    inProgress: async () => m.working(),
  };
}
