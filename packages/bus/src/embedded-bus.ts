// The embedded adapter: events in the shared SQLite file, one transaction per batch through raw
// prepared statements (the hot path), fan-out to subscribers in this process on commit, and a
// short poll so subscribers also see events other processes wrote.
import type { EventEnvelopeV1 } from '@kush/contracts';
import { embeddedDatabasePath, loadConfig, migrateToLatest, openDatabase, type Database } from '@kush/runtime';
import type BetterSqlite3 from 'better-sqlite3';
import { BusError } from './bus-error.js';
import { busMigrations } from './bus-migrations.js';
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
import { subjectMatcher } from './subject-filter.js';

/** How often an idle subscriber looks for events written by other processes. */
export const POLL_INTERVAL_MS = 100;
/** Rows a subscriber reads ahead per query. */
const SUBSCRIBER_PAGE_ROWS = 512;

interface EventRow {
  sequence: number;
  workspace: string;
  published_at_ms: number;
  envelope: string;
}

const toEvent = (row: EventRow): BusEvent => ({
  sequence: row.sequence,
  workspace: row.workspace,
  published_at_ms: row.published_at_ms,
  envelope: JSON.parse(row.envelope) as EventEnvelopeV1,
});

export interface EmbeddedBusOptions {
  /** A database from openDatabase (SQLite); when absent, $KUSH_HOME/kush.db is opened and owned. */
  readonly database?: Database<unknown>;
  readonly now?: () => number;
}

export async function openEmbeddedBus(options: EmbeddedBusOptions = {}): Promise<EmbeddedBus> {
  const owned = options.database === undefined;
  const database = options.database ?? (await openDatabase<unknown>({ sqlitePath: embeddedDatabasePath(loadConfig()) }));
  if (!database.sqlite) {
    if (owned) await database.close();
    throw new BusError('INVALID_OPTION', [
      {
        path: 'database',
        rule: 'sqlite',
        message: 'database: the embedded bus needs a SQLite database (use KUSH_BUS_URL=nats://... otherwise)',
      },
    ]);
  }
  database.sqlite.pragma('journal_mode = WAL');
  database.sqlite.pragma('busy_timeout = 5000');
  await migrateToLatest(database, 'bus', busMigrations);
  return new EmbeddedBus(database, owned, options.now ?? Date.now);
}

export class EmbeddedBus implements EventBus {
  readonly sqlite: BetterSqlite3.Database;
  readonly #subscriptions = new Set<EmbeddedSubscription>();
  readonly #insert: BetterSqlite3.Statement;
  readonly #existing: BetterSqlite3.Statement;
  readonly #publishBatch: (workspace: string, envelopes: readonly EventEnvelopeV1[], at: number) => number[];
  #duplicatesInLastBatch = 0;
  #closed = false;

  constructor(
    readonly database: Database<unknown>,
    readonly owned: boolean,
    readonly now: () => number,
  ) {
    this.sqlite = database.sqlite!;
    this.#insert = this.sqlite.prepare(
      'INSERT INTO bus_events (workspace, event_type, replay_token, published_at_ms, envelope) VALUES (?, ?, ?, ?, ?) ON CONFLICT (workspace, replay_token) DO NOTHING',
    );
    this.#existing = this.sqlite.prepare('SELECT sequence FROM bus_events WHERE workspace = ? AND replay_token = ?').pluck();
    this.#publishBatch = this.sqlite.transaction((workspace: string, envelopes: readonly EventEnvelopeV1[], at: number) => {
      const sequences = new Array<number>(envelopes.length);
      let duplicates = 0;
      for (let i = 0; i < envelopes.length; i++) {
        const e = envelopes[i]!;
        const result = this.#insert.run(workspace, e.event_type, e.replay_token, at, JSON.stringify(e));
        if (result.changes === 1) {
          sequences[i] = Number(result.lastInsertRowid);
        } else {
          duplicates++;
          sequences[i] = this.#existing.get(workspace, e.replay_token) as number;
        }
      }
      this.#duplicatesInLastBatch = duplicates;
      return sequences;
    });
  }

  #open(): void {
    if (this.#closed) throw new BusError('CLOSED', [{ path: 'bus', rule: 'open', message: 'bus: already closed' }]);
  }

  publish(envelopes: readonly unknown[], options: PublishOptions = {}): Promise<PublishResult> {
    try {
      this.#open();
      const workspace = checkWorkspace(options.workspace);
      const valid = checkBatch(envelopes);
      if (valid.length === 0) return Promise.resolve({ accepted: 0, duplicates: 0, sequences: [] });
      const sequences = this.#publishBatch(workspace, valid, this.now());
      const duplicates = this.#duplicatesInLastBatch;
      if (duplicates < valid.length) for (const s of this.#subscriptions) if (s.workspace === workspace) s.wake();
      return Promise.resolve({ accepted: valid.length - duplicates, duplicates, sequences });
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  /** Synchronous read, for subscribers and tools in this process. */
  readSync(options: ReadOptions = {}): BusEvent[] {
    this.#open();
    const workspace = checkWorkspace(options.workspace);
    checkFilterOption(options.filter);
    const limit = options.limit ?? READ_LIMIT_MAX;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > READ_LIMIT_MAX)
      throw new BusError('INVALID_OPTION', [{ path: 'limit', rule: 'range', message: `limit: must be 1-${READ_LIMIT_MAX}` }]);
    const fromTime = timeToMs(options.fromTime) ?? 0;
    const matches = subjectMatcher(options.filter);
    const out: BusEvent[] = [];
    let after = (options.fromSequence ?? 1) - 1;
    const page = this.sqlite.prepare<[string, number, number, number]>(
      'SELECT sequence, workspace, published_at_ms, envelope, event_type FROM bus_events WHERE workspace = ? AND sequence > ? AND published_at_ms >= ? ORDER BY sequence LIMIT ?',
    );
    for (;;) {
      const rows = page.all(workspace, after, fromTime, SUBSCRIBER_PAGE_ROWS * 8) as (EventRow & { event_type: string })[];
      for (const row of rows) {
        if (matches(row.event_type)) out.push(toEvent(row));
        if (out.length >= limit) return out;
      }
      if (rows.length < SUBSCRIBER_PAGE_ROWS * 8) return out;
      after = rows[rows.length - 1]!.sequence;
    }
  }

  read(options: ReadOptions = {}): Promise<BusEvent[]> {
    try {
      return Promise.resolve(this.readSync(options));
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  /** The acknowledged position of a durable consumer (0 when it never acknowledged). */
  consumerPosition(workspace: string, name: string): number {
    const row = this.sqlite
      .prepare('SELECT acked_sequence FROM bus_consumers WHERE workspace = ? AND name = ?')
      .pluck()
      .get(workspace, name);
    return (row as number | undefined) ?? 0;
  }

  /** Stores a durable consumer's position; never moves it backwards. */
  storeConsumerPosition(workspace: string, name: string, sequence: number): void {
    this.sqlite
      .prepare(
        'INSERT INTO bus_consumers (workspace, name, acked_sequence, updated_at_ms) VALUES (?, ?, ?, ?) ON CONFLICT (workspace, name) DO UPDATE SET acked_sequence = MAX(acked_sequence, excluded.acked_sequence), updated_at_ms = excluded.updated_at_ms',
      )
      .run(workspace, name, sequence, this.now());
  }

  subscribe(options: SubscribeOptions, handler: DeliveryHandler): Promise<Subscription> {
    try {
      this.#open();
      const workspace = checkWorkspace(options.workspace);
      checkFilterOption(options.filter);
      const ackTimeoutMs = checkAckTimeout(options.ackTimeoutMs);
      if (options.durable !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(options.durable))
        throw new BusError('INVALID_OPTION', [
          { path: 'durable', rule: 'pattern', message: 'durable: must be 1-64 letters, digits, _ or -' },
        ]);
      const start = options.durable !== undefined ? this.consumerPosition(workspace, options.durable) : (options.fromSequence ?? 1) - 1;
      const subscription = new EmbeddedSubscription(
        this,
        workspace,
        options,
        ackTimeoutMs,
        Math.max(start, (options.fromSequence ?? 1) - 1),
        handler,
        () => this.#subscriptions.delete(subscription),
      );
      this.#subscriptions.add(subscription);
      subscription.run();
      return Promise.resolve(subscription);
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  stats(options: { workspace?: string } = {}): Promise<BusStats> {
    try {
      this.#open();
      const workspace = checkWorkspace(options.workspace);
      const rows = this.sqlite
        .prepare(
          'SELECT event_type, COUNT(*) AS n, MAX(sequence) AS last FROM bus_events WHERE workspace = ? GROUP BY event_type ORDER BY event_type',
        )
        .all(workspace) as { event_type: string; n: number; last: number }[];
      const by_type: Record<string, number> = {};
      let total = 0;
      let last = 0;
      for (const r of rows) {
        by_type[r.event_type] = r.n;
        total += r.n;
        last = Math.max(last, r.last);
      }
      return Promise.resolve({ adapter: 'embedded', workspace, total, by_type, last_sequence: last });
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    await Promise.all([...this.#subscriptions].map((s) => s.stop()));
    this.#closed = true;
    if (this.owned) await this.database.close();
  }
}

/**
 * One consumer: delivers matching events in sequence order, one at a time; an event not
 * acknowledged within the ack timeout is delivered again (at least once). A durable consumer's
 * position is stored on ack, so a restarted consumer resumes after its last acknowledged event.
 */
class EmbeddedSubscription implements Subscription {
  readonly #matches: (eventType: string) => boolean;
  #scanned: number;
  #buffer: BusEvent[] = [];
  #stopped = false;
  #wake: (() => void) | undefined;
  #done: Promise<void> = Promise.resolve();
  #signalStop: () => void = () => {};
  readonly #stopSignal = new Promise<void>((resolve) => (this.#signalStop = resolve));

  constructor(
    readonly bus: EmbeddedBus,
    readonly workspace: string,
    readonly options: SubscribeOptions,
    readonly ackTimeoutMs: number,
    start: number,
    readonly handler: DeliveryHandler,
    readonly onStop: () => void,
  ) {
    this.#matches = subjectMatcher(options.filter);
    this.#scanned = start;
  }

  wake(): void {
    this.#wake?.();
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#wake = done;
    });
  }

  #next(): BusEvent | undefined {
    while (this.#buffer.length === 0) {
      const rows = this.bus.readSync({ workspace: this.workspace, fromSequence: this.#scanned + 1, limit: SUBSCRIBER_PAGE_ROWS });
      if (rows.length === 0) return undefined;
      this.#scanned = rows[rows.length - 1]!.sequence;
      this.#buffer = rows.filter((e) => this.#matches(e.envelope.event_type));
    }
    return this.#buffer.shift();
  }

  run(): void {
    this.#done = this.#loop();
  }

  async #loop(): Promise<void> {
    while (!this.#stopped) {
      const event = this.#next();
      if (event === undefined) {
        await this.#sleep(POLL_INTERVAL_MS);
        continue;
      }
      for (let attempt = 1; !this.#stopped; attempt++) {
        let acked = false;
        let signalAck: () => void = () => {};
        const ackedPromise = new Promise<void>((resolve) => (signalAck = resolve));
        const delivery: Delivery = {
          event,
          attempt,
          ack: () => {
            if (!acked && this.options.durable !== undefined)
              this.bus.storeConsumerPosition(this.workspace, this.options.durable, event.sequence);
            acked = true;
            signalAck();
            return Promise.resolve();
          },
        };
        // A handler that throws is treated as not acknowledged: redelivered after the timeout.
        void Promise.resolve()
          .then(() => this.handler(delivery))
          .catch(() => undefined);
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.ackTimeoutMs)));
        await Promise.race([ackedPromise, timeout, this.#stopSignal]);
        clearTimeout(timer);
        if (acked) break;
      }
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#signalStop();
    this.wake();
    await this.#done;
    this.onStop();
  }
}
