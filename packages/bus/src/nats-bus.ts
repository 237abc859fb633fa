// The NATS JetStream adapter of the EventBus.
//   One stream per workspace (tenant): <PREFIX>_<workspace>, subjects <root>.<workspace>.ev.>.
//   Each event is one message on <root>.<workspace>.ev.<event_type>.<token hash>, so a subject
//   filter over event types is a JetStream subject filter, and a consumer bound to workspace A
//   reads A's stream only.
//   Idempotency: Nats-Msg-Id = replay_token (the server drops a re-send inside its duplicate window
//   and answers with the original sequence), and beyond the window the stream keeps at most one
//   message per subject with discard-new-per-subject (NATS >= 2.9), so a late re-send is refused
//   by the server; the original sequence is then looked up by subject.
//   Sequence: the workspace stream's sequence.
//   Whole batch or none: JetStream 2.9 has no atomic multi-message publish, so a batch of more
//   than one envelope is first written to a journal stream (one message per ~max_payload of
//   envelopes, then the events, then the journal entry is purged. A publisher killed after the
//   journal is complete leaves a batch that the next openNatsBus (or recover()) finishes; one
//   killed while journaling leaves an incomplete entry that nobody expands and recovery discards
//   once it is older than the abandonment age. Readers never see the journal.
import { createHash, randomBytes } from 'node:crypto';
import type { EventEnvelopeV1 } from '@kush/contracts';
import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  jetstream,
  jetstreamManager,
  JetStreamApiError,
  RetentionPolicy,
  type ConsumerConfig,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import { BusError } from './bus-error.js';
import {
  READ_LIMIT_MAX,
  checkAckTimeout,
  checkBatch,
  checkFilterOption,
  checkWorkspace,
  timeToMs,
  type BusEvent,
  type BusStats,
  type Delivery,
  type DeliveryHandler,
  type EventBus,
  type PublishOptions,
  type PublishResult,
  type ReadOptions,
  type SubscribeOptions,
  type Subscription,
} from './event-bus.js';

/** Publishes in flight at once: acks pipelined (DESIGN.md section 5). */
export const NATS_PUBLISH_WINDOW_MAX = 1_000;
/** JetStream's default duplicate window; correctness does not depend on it (one message per subject). */
export const NATS_DUPLICATE_WINDOW_MS_DEFAULT = 120_000;
/** Messages a read or subscription pulls per request. */
const NATS_FETCH_BATCH_MAX = 1_000;
/** An ephemeral consumer the server forgets after this long idle (a crashed reader leaves nothing behind). */
const EPHEMERAL_INACTIVE_MS = 30_000;
/** Error code JetStream answers when a subject already holds its one message. */
const PER_SUBJECT_LIMIT_ERROR_CODE = 10077;
/** An incomplete journal entry older than this belongs to a dead publisher; recovery discards it. */
export const JOURNAL_ABANDONED_MS_DEFAULT = 30_000;
/** Room left in a journal message for headers and framing. */
const JOURNAL_MESSAGE_MARGIN_BYTES = 16 * 1024;
const PARTS_HEADER = 'Kush-Parts';

const NS_PER_MS = 1_000_000;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export interface NatsBusOptions {
  /** nats://host:port */
  readonly url: string;
  /** Stream name prefix, [A-Z][A-Z0-9_]*; tests use a unique one per run. Default KUSH_BUS. */
  readonly prefix?: string;
  /** Server-side duplicate window for new streams (tests shorten it). */
  readonly duplicateWindowMs?: number;
  /** Incomplete journal entries older than this are discarded by recovery (tests shorten it). */
  readonly journalAbandonedMs?: number;
  /** Finish or discard journaled batches of crashed publishers when opening (default true). */
  readonly recover?: boolean;
}

/** The last subject token for a replay token: 128 bits of its SHA-256, hex (subject-safe). */
export function replayTokenSubjectToken(replayToken: string): string {
  return createHash('sha256').update(replayToken).digest('hex').slice(0, 32);
}

/** Event-type filter (bus syntax) to a JetStream subject filter inside one workspace. */
function subjectFilter(root: string, workspace: string, filter: string | undefined): string {
  const base = `${root}.${workspace}.ev`;
  if (filter === undefined || filter === '>') return `${base}.>`;
  // '>' already covers the trailing token-hash token; otherwise add one '*' for it.
  return filter.endsWith('>') ? `${base}.${filter}` : `${base}.${filter}.*`;
}

export async function openNatsBus(options: NatsBusOptions): Promise<NatsBus> {
  const prefix = options.prefix ?? 'KUSH_BUS';
  if (!/^[A-Z][A-Z0-9_]{0,40}$/.test(prefix))
    throw new BusError('INVALID_OPTION', [{ path: 'prefix', rule: 'pattern', message: 'prefix: must match ^[A-Z][A-Z0-9_]{0,40}$' }]);
  const windowMs = options.duplicateWindowMs ?? NATS_DUPLICATE_WINDOW_MS_DEFAULT;
  if (!Number.isSafeInteger(windowMs) || windowMs < 100)
    throw new BusError('INVALID_OPTION', [
      { path: 'duplicateWindowMs', rule: 'minimum', message: 'duplicateWindowMs: must be an integer >= 100' },
    ]);
  const nc = await connect({ servers: options.url.replace(/^nats:\/\//, ''), name: 'kush-bus' });
  const jsm = await jetstreamManager(nc);
  const bus = new NatsBus(nc, jetstream(nc), jsm, prefix, windowMs, options.journalAbandonedMs ?? JOURNAL_ABANDONED_MS_DEFAULT);
  try {
    await bus.ensureJournal();
    if (options.recover !== false) await bus.recover();
  } catch (error) {
    await nc.close().catch(() => undefined);
    throw error;
  }
  return bus;
}

export class NatsBus implements EventBus {
  readonly root: string;
  readonly #streams = new Set<string>();
  readonly #subscriptions = new Set<NatsSubscription>();
  #closed = false;

  constructor(
    readonly nc: NatsConnection,
    readonly js: JetStreamClient,
    readonly jsm: JetStreamManager,
    readonly prefix: string,
    readonly duplicateWindowMs: number,
    readonly journalAbandonedMs: number,
  ) {
    this.root = prefix.toLowerCase();
  }

  get journalStream(): string {
    return `${this.prefix}_JOURNAL`;
  }

  async ensureJournal(): Promise<void> {
    try {
      await this.jsm.streams.info(this.journalStream);
    } catch (error) {
      if (!(error instanceof JetStreamApiError)) throw error;
      await this.jsm.streams
        .add({ name: this.journalStream, subjects: [`${this.root}.journal.>`], retention: RetentionPolicy.Limits })
        .catch(async (addError: unknown) => {
          await this.jsm.streams.info(this.journalStream).catch(() => {
            throw addError;
          });
        });
    }
  }

  /**
   * Finishes every complete journaled batch (publishing is idempotent, so finishing one a live
   * publisher is also finishing is harmless) and discards incomplete ones past the abandonment
   * age. Returns the number of batches finished and discarded.
   */
  async recover(): Promise<{ finished: number; discarded: number }> {
    const info = await this.jsm.streams.info(this.journalStream, { subjects_filter: `${this.root}.journal.>` });
    let finished = 0;
    let discarded = 0;
    for (const [subject, count] of Object.entries(info.state.subjects ?? {})) {
      const workspace = subject.split('.')[2]!;
      const parts = await this.#readJournal(subject, count);
      const expected = parts.length > 0 ? Number(parts[0]!.headers?.get(PARTS_HEADER) ?? '0') : 0;
      if (parts.length > 0 && parts.length === expected) {
        const envelopes = parts.flatMap((m) => JSON.parse(decoder.decode(m.data)) as EventEnvelopeV1[]);
        await this.#stream(workspace, true);
        await this.#publishEvents(workspace, envelopes);
        await this.jsm.streams.purge(this.journalStream, { filter: subject });
        finished++;
      } else {
        const oldestMs = parts.length > 0 ? Math.floor(parts[0]!.info.timestampNanos / NS_PER_MS) : 0;
        if (Date.now() - oldestMs >= this.journalAbandonedMs) {
          await this.jsm.streams.purge(this.journalStream, { filter: subject });
          discarded++;
        }
      }
    }
    return { finished, discarded };
  }

  async #readJournal(subject: string, count: number): Promise<JsMsg[]> {
    const info = await this.jsm.consumers.add(this.journalStream, {
      ack_policy: AckPolicy.None,
      filter_subject: subject,
      deliver_policy: DeliverPolicy.All,
      inactive_threshold: EPHEMERAL_INACTIVE_MS * NS_PER_MS,
    });
    const out: JsMsg[] = [];
    try {
      const consumer = await this.js.consumers.get(this.journalStream, info.name);
      while (out.length < count) {
        let got = 0;
        for await (const m of await consumer.fetch({ max_messages: count - out.length, expires: 2_000 })) {
          got++;
          out.push(m);
        }
        if (got === 0) break;
      }
    } finally {
      await this.jsm.consumers.delete(this.journalStream, info.name).catch(() => undefined);
    }
    return out;
  }

  /** Writes the batch to the journal in parts of at most max_payload; returns the journal subject. */
  async #journal(workspace: string, envelopes: readonly EventEnvelopeV1[]): Promise<string> {
    const subject = `${this.root}.journal.${workspace}.${randomBytes(12).toString('hex')}`;
    const limit = Math.max(64 * 1024, this.nc.info!.max_payload - JOURNAL_MESSAGE_MARGIN_BYTES);
    const parts: Uint8Array[] = [];
    let current: string[] = [];
    let size = 2;
    for (const e of envelopes) {
      const text = JSON.stringify(e);
      if (current.length > 0 && size + text.length + 1 > limit) {
        parts.push(encoder.encode(`[${current.join(',')}]`));
        current = [];
        size = 2;
      }
      current.push(text);
      size += text.length + 1;
    }
    parts.push(encoder.encode(`[${current.join(',')}]`));
    const h = headers();
    h.set(PARTS_HEADER, String(parts.length));
    await Promise.all(parts.map((data) => this.js.publish(subject, data, { headers: h })));
    return subject;
  }

  streamName(workspace: string): string {
    return `${this.prefix}_${workspace}`;
  }

  #open(): void {
    if (this.#closed) throw new BusError('CLOSED', [{ path: 'bus', rule: 'open', message: 'bus: already closed' }]);
  }

  /** Creates the workspace's stream when missing; false when it does not exist and create is false. */
  async #stream(workspace: string, create: boolean): Promise<boolean> {
    const name = this.streamName(workspace);
    if (this.#streams.has(name)) return true;
    try {
      await this.jsm.streams.info(name);
    } catch (error) {
      if (!(error instanceof JetStreamApiError) || !create) {
        if (error instanceof JetStreamApiError) return false;
        throw error;
      }
      try {
        await this.jsm.streams.add({
          name,
          subjects: [`${this.root}.${workspace}.ev.>`],
          retention: RetentionPolicy.Limits,
          max_msgs_per_subject: 1,
          discard: DiscardPolicy.New,
          discard_new_per_subject: true,
          duplicate_window: this.duplicateWindowMs * NS_PER_MS,
        });
      } catch (addError) {
        // Another process created it in between: fine when it exists now.
        await this.jsm.streams.info(name).catch(() => {
          throw addError;
        });
      }
    }
    this.#streams.add(name);
    return true;
  }

  async publish(envelopes: readonly unknown[], options: PublishOptions = {}): Promise<PublishResult> {
    this.#open();
    const workspace = checkWorkspace(options.workspace);
    const valid = checkBatch(envelopes);
    if (valid.length === 0) return { accepted: 0, duplicates: 0, sequences: [] };
    await this.#stream(workspace, true);
    if (valid.length === 1) return this.#publishEvents(workspace, valid);
    const journal = await this.#journal(workspace, valid);
    const result = await this.#publishEvents(workspace, valid);
    await this.jsm.streams.purge(this.journalStream, { filter: journal });
    return result;
  }

  async #publishEvents(workspace: string, valid: readonly EventEnvelopeV1[]): Promise<PublishResult> {
    const stream = this.streamName(workspace);
    const sequences = new Array<number>(valid.length);
    let duplicates = 0;
    const one = async (e: EventEnvelopeV1, i: number): Promise<void> => {
      const subject = `${this.root}.${workspace}.ev.${e.event_type}.${replayTokenSubjectToken(e.replay_token)}`;
      try {
        const ack = await this.js.publish(subject, encoder.encode(JSON.stringify(e)), { msgID: e.replay_token });
        sequences[i] = ack.seq;
        if (ack.duplicate) duplicates++;
      } catch (error) {
        if (!(error instanceof JetStreamApiError) || error.code !== PER_SUBJECT_LIMIT_ERROR_CODE) throw error;
        // Past the duplicate window: the subject already holds this replay token's event.
        const stored = await this.jsm.streams.getMessage(stream, { last_by_subj: subject });
        if (!stored) throw error;
        sequences[i] = stored.seq;
        duplicates++;
      }
    };
    for (let start = 0; start < valid.length; start += NATS_PUBLISH_WINDOW_MAX) {
      const end = Math.min(valid.length, start + NATS_PUBLISH_WINDOW_MAX);
      const inFlight: Promise<void>[] = [];
      for (let i = start; i < end; i++) inFlight.push(one(valid[i]!, i));
      await Promise.all(inFlight);
    }
    return { accepted: valid.length - duplicates, duplicates, sequences };
  }

  #startPolicy(fromSequence: number | undefined, fromTimeMs: number | undefined): Partial<ConsumerConfig> {
    if (fromTimeMs !== undefined && fromSequence === undefined)
      return { deliver_policy: DeliverPolicy.StartTime, opt_start_time: new Date(fromTimeMs).toISOString() };
    if (fromSequence !== undefined && fromSequence > 1) return { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: fromSequence };
    return { deliver_policy: DeliverPolicy.All };
  }

  async read(options: ReadOptions = {}): Promise<BusEvent[]> {
    this.#open();
    const workspace = checkWorkspace(options.workspace);
    checkFilterOption(options.filter);
    const limit = options.limit ?? READ_LIMIT_MAX;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > READ_LIMIT_MAX)
      throw new BusError('INVALID_OPTION', [{ path: 'limit', rule: 'range', message: `limit: must be 1-${READ_LIMIT_MAX}` }]);
    const fromTimeMs = timeToMs(options.fromTime);
    if (!(await this.#stream(workspace, false))) return [];
    const stream = this.streamName(workspace);
    const info = await this.jsm.consumers.add(stream, {
      ack_policy: AckPolicy.None,
      filter_subject: subjectFilter(this.root, workspace, options.filter),
      inactive_threshold: EPHEMERAL_INACTIVE_MS * NS_PER_MS,
      ...this.#startPolicy(options.fromSequence, fromTimeMs),
    });
    const out: BusEvent[] = [];
    try {
      // When both a sequence and a time are given, start at the sequence and skip earlier times.
      const want = Math.min(limit, info.num_pending);
      const consumer = await this.js.consumers.get(stream, info.name);
      while (out.length < want) {
        const batch = await consumer.fetch({ max_messages: Math.min(NATS_FETCH_BATCH_MAX, want - out.length), expires: 2_000 });
        let got = 0;
        for await (const m of batch) {
          got++;
          const event = toEvent(m, workspace);
          if (fromTimeMs === undefined || event.published_at_ms >= fromTimeMs) out.push(event);
        }
        if (got === 0) break;
      }
    } finally {
      await this.jsm.consumers.delete(stream, info.name).catch(() => undefined);
    }
    return out;
  }

  async subscribe(options: SubscribeOptions, handler: DeliveryHandler): Promise<Subscription> {
    this.#open();
    const workspace = checkWorkspace(options.workspace);
    checkFilterOption(options.filter);
    const ackTimeoutMs = checkAckTimeout(options.ackTimeoutMs);
    if (options.durable !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(options.durable))
      throw new BusError('INVALID_OPTION', [
        { path: 'durable', rule: 'pattern', message: 'durable: must be 1-64 letters, digits, _ or -' },
      ]);
    await this.#stream(workspace, true);
    const stream = this.streamName(workspace);
    const config: Partial<ConsumerConfig> = {
      ack_policy: AckPolicy.Explicit,
      ack_wait: ackTimeoutMs * NS_PER_MS,
      max_deliver: -1,
      // One outstanding delivery at a time keeps the order the embedded adapter gives.
      max_ack_pending: 1,
      filter_subject: subjectFilter(this.root, workspace, options.filter),
      ...this.#startPolicy(options.fromSequence, undefined),
    };
    let name: string;
    if (options.durable !== undefined) {
      name = options.durable;
      try {
        await this.jsm.consumers.info(stream, name);
      } catch {
        await this.jsm.consumers.add(stream, { ...config, durable_name: name });
      }
    } else {
      name = (await this.jsm.consumers.add(stream, { ...config, inactive_threshold: EPHEMERAL_INACTIVE_MS * NS_PER_MS })).name;
    }
    const consumer = await this.js.consumers.get(stream, name);
    const messages = await consumer.consume({ max_messages: 1 });
    const subscription = new NatsSubscription(this, stream, name, options.durable === undefined, messages, () =>
      this.#subscriptions.delete(subscription),
    );
    this.#subscriptions.add(subscription);
    subscription.run(workspace, handler);
    return subscription;
  }

  async stats(options: { workspace?: string } = {}): Promise<BusStats> {
    this.#open();
    const workspace = checkWorkspace(options.workspace);
    if (!(await this.#stream(workspace, false))) return { adapter: 'nats', workspace, total: 0, by_type: {}, last_sequence: 0 };
    const info = await this.jsm.streams.info(this.streamName(workspace), { subjects_filter: `${this.root}.${workspace}.ev.>` });
    const by_type: Record<string, number> = {};
    const skip = `${this.root}.${workspace}.ev.`.length;
    for (const [subject, count] of Object.entries(info.state.subjects ?? {})) {
      const type = subject.slice(skip, subject.lastIndexOf('.'));
      by_type[type] = (by_type[type] ?? 0) + count;
    }
    const sorted: Record<string, number> = {};
    for (const key of Object.keys(by_type).sort()) sorted[key] = by_type[key]!;
    return { adapter: 'nats', workspace, total: info.state.messages, by_type: sorted, last_sequence: info.state.last_seq };
  }

  /** Deletes the streams of these workspaces and the journal (tests, benchmarks). */
  async destroy(workspaces: readonly string[]): Promise<void> {
    await this.jsm.streams.delete(this.journalStream).catch(() => undefined);
    for (const w of workspaces) {
      await this.jsm.streams.delete(this.streamName(w)).catch(() => undefined);
      this.#streams.delete(this.streamName(w));
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    await Promise.all([...this.#subscriptions].map((s) => s.stop()));
    this.#closed = true;
    await this.nc.drain().catch(() => undefined);
  }
}

function toEvent(m: JsMsg, workspace: string): BusEvent {
  return {
    sequence: m.seq,
    workspace,
    published_at_ms: Math.floor(m.info.timestampNanos / NS_PER_MS),
    envelope: JSON.parse(decoder.decode(m.data)) as EventEnvelopeV1,
  };
}

class NatsSubscription implements Subscription {
  #done: Promise<void> = Promise.resolve();
  #stopped = false;

  constructor(
    readonly bus: NatsBus,
    readonly stream: string,
    readonly name: string,
    readonly ephemeral: boolean,
    readonly messages: AsyncIterable<JsMsg> & { stop(): void },
    readonly onStop: () => void,
  ) {}

  run(workspace: string, handler: DeliveryHandler): void {
    this.#done = (async () => {
      for await (const m of this.messages) {
        if (this.#stopped) break;
        const delivery: Delivery = {
          event: toEvent(m, workspace),
          attempt: m.info.deliveryCount,
          ack: async () => {
            await m.ackAck();
          },
        };
        // A handler that throws is treated as not acknowledged: the server redelivers after ack_wait.
        try {
          await handler(delivery);
        } catch {
          // redelivered
        }
      }
    })();
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.messages.stop();
    await this.#done.catch(() => undefined);
    if (this.ephemeral) await this.bus.jsm.consumers.delete(this.stream, this.name).catch(() => undefined);
    this.onStop();
  }
}
