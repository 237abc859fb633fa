// Work queues: tasks pushed by one process and pulled by many (`kush worker` scales out). Each
// pulled item is leased to its puller until it acks it; an item not acked (or marked in progress)
// within the ack wait goes to another puller. Same interface on SQLite and on NATS JetStream
// (work-queue retention + one durable pull consumer shared by all workers).
import { randomBytes } from 'node:crypto';
import { embeddedDatabasePath, loadConfig, migrateToLatest, openDatabase, type Database } from '@kush/runtime';
import type BetterSqlite3 from 'better-sqlite3';
import { sql, type Kysely, type Migration } from 'kysely';
import { BusError } from './bus-error.js';
import { checkWorkspace } from './event-bus.js';

export const WORK_QUEUE_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;
export const WORK_ACK_WAIT_MS_DEFAULT = 30_000;
/** Items one pull returns at most. */
export const WORK_PULL_MAX = 1_000;
/** Items one push accepts at most. */
export const WORK_PUSH_MAX = 100_000;
/** How often an idle embedded pull looks again while waiting. */
const EMBEDDED_PULL_POLL_MS = 20;

export interface WorkItem<T = unknown> {
  readonly id: string;
  readonly payload: T;
  /** 1 on first delivery, more on redelivery. */
  readonly deliveryCount: number;
  /** Done: the item leaves the queue. */
  ack(): Promise<void>;
  /** Give it back now (or after delayMs) for another delivery. */
  nak(delayMs?: number): Promise<void>;
  /** Still working: restarts the ack wait. */
  inProgress(): Promise<void>;
}

export interface PullOptions {
  /** Items wanted (1..WORK_PULL_MAX); default 1. */
  readonly max?: number;
  /** How long to wait for the first item when the queue is empty; default 0 (don't wait). */
  readonly waitMs?: number;
}

export interface WorkQueue<T = unknown> {
  readonly name: string;
  push(payloads: readonly T[]): Promise<void>;
  pull(options?: PullOptions): Promise<WorkItem<T>[]>;
  /** Items not yet acknowledged (waiting or leased). */
  size(): Promise<number>;
  close(): Promise<void>;
}

export interface WorkQueueOptions {
  readonly name: string;
  readonly workspace?: string;
  readonly ackWaitMs?: number;
}

export function checkWorkQueueOptions(options: WorkQueueOptions): { name: string; workspace: string; ackWaitMs: number } {
  if (!WORK_QUEUE_NAME_PATTERN.test(options.name))
    throw new BusError('INVALID_OPTION', [
      { path: 'name', rule: 'pattern', message: `name: '${options.name}' must match ${WORK_QUEUE_NAME_PATTERN.source}` },
    ]);
  const ackWaitMs = options.ackWaitMs ?? WORK_ACK_WAIT_MS_DEFAULT;
  if (!Number.isSafeInteger(ackWaitMs) || ackWaitMs < 1)
    throw new BusError('INVALID_OPTION', [
      { path: 'ackWaitMs', rule: 'positive-integer', message: 'ackWaitMs: must be a positive integer' },
    ]);
  return { name: options.name, workspace: checkWorkspace(options.workspace), ackWaitMs };
}

export function checkPull(options: PullOptions): { max: number; waitMs: number } {
  const max = options.max ?? 1;
  const waitMs = options.waitMs ?? 0;
  if (!Number.isSafeInteger(max) || max < 1 || max > WORK_PULL_MAX)
    throw new BusError('INVALID_OPTION', [{ path: 'max', rule: 'range', message: `max: must be 1-${WORK_PULL_MAX}` }]);
  if (!Number.isSafeInteger(waitMs) || waitMs < 0)
    throw new BusError('INVALID_OPTION', [{ path: 'waitMs', rule: 'minimum', message: 'waitMs: must be a non-negative integer' }]);
  return { max, waitMs };
}

export function checkPush(payloads: readonly unknown[]): void {
  if (!Array.isArray(payloads) || payloads.length > WORK_PUSH_MAX)
    throw new BusError('INVALID_OPTION', [
      { path: 'payloads', rule: 'max-items', message: `payloads: must be an array of at most ${WORK_PUSH_MAX}` },
    ]);
}

const workQueueMigrations: Record<string, Migration> = {
  '001_bus_work_items': {
    async up(db: Kysely<unknown>) {
      await sql`CREATE TABLE bus_work_items (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        workspace TEXT NOT NULL,
        queue TEXT NOT NULL,
        payload TEXT NOT NULL,
        visible_at_ms INTEGER NOT NULL,
        deliveries INTEGER NOT NULL DEFAULT 0,
        lease TEXT
      )`.execute(db);
      await sql`CREATE INDEX bus_work_items_ready ON bus_work_items (workspace, queue, visible_at_ms, id)`.execute(db);
    },
  },
};

export interface EmbeddedWorkQueueOptions extends WorkQueueOptions {
  /** A SQLite database from openDatabase; when absent, $KUSH_HOME/kush.db is opened and owned. */
  readonly database?: Database<unknown>;
  readonly now?: () => number;
}

/** The SQLite work queue: a lease per pulled row; any process sharing the file may pull. */
export async function openEmbeddedWorkQueue<T = unknown>(options: EmbeddedWorkQueueOptions): Promise<WorkQueue<T>> {
  const { name, workspace, ackWaitMs } = checkWorkQueueOptions(options);
  const owned = options.database === undefined;
  const database = options.database ?? (await openDatabase<unknown>({ sqlitePath: embeddedDatabasePath(loadConfig()) }));
  const sqlite = database.sqlite;
  if (!sqlite) {
    if (owned) await database.close();
    throw new BusError('INVALID_OPTION', [{ path: 'database', rule: 'sqlite', message: 'database: the embedded work queue needs SQLite' }]);
  }
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 5000');
  await migrateToLatest(database, 'bus_work', workQueueMigrations);
  return new EmbeddedWorkQueue<T>(sqlite, database, owned, workspace, name, ackWaitMs, options.now ?? Date.now);
}

interface WorkRow {
  id: number;
  payload: string;
  deliveries: number;
}

class EmbeddedWorkQueue<T> implements WorkQueue<T> {
  readonly #insert: BetterSqlite3.Statement;
  readonly #lease: (max: number, now: number, lease: string) => WorkRow[];
  #closed = false;

  constructor(
    readonly sqlite: BetterSqlite3.Database,
    readonly database: Database<unknown>,
    readonly owned: boolean,
    readonly workspace: string,
    readonly name: string,
    readonly ackWaitMs: number,
    readonly now: () => number,
  ) {
    this.#insert = sqlite.prepare('INSERT INTO bus_work_items (workspace, queue, payload, visible_at_ms) VALUES (?, ?, ?, ?)');
    const ready = sqlite.prepare(
      'SELECT id, payload, deliveries FROM bus_work_items WHERE workspace = ? AND queue = ? AND visible_at_ms <= ? ORDER BY visible_at_ms, id LIMIT ?',
    );
    const take = sqlite.prepare('UPDATE bus_work_items SET visible_at_ms = ?, deliveries = deliveries + 1, lease = ? WHERE id = ?');
    // IMMEDIATE: the read and the lease happen under the write lock, so two pullers never share an item.
    this.#lease = sqlite
      .transaction((max: number, now: number, lease: string) => {
        const rows = ready.all(workspace, name, now, max) as WorkRow[];
        for (const r of rows) take.run(now + ackWaitMs, lease, r.id);
        return rows.map((r) => ({ ...r, deliveries: r.deliveries + 1 }));
      })
      .immediate.bind(null) as (max: number, now: number, lease: string) => WorkRow[];
  }

  #open(): void {
    if (this.#closed) throw new BusError('CLOSED', [{ path: 'queue', rule: 'open', message: 'queue: already closed' }]);
  }

  async push(payloads: readonly T[]): Promise<void> {
    this.#open();
    checkPush(payloads);
    const now = this.now();
    this.sqlite.transaction(() => {
      for (const p of payloads) this.#insert.run(this.workspace, this.name, JSON.stringify(p), now);
    })();
  }

  async pull(options: PullOptions = {}): Promise<WorkItem<T>[]> {
    this.#open();
    const { max, waitMs } = checkPull(options);
    const end = Date.now() + waitMs;
    for (;;) {
      const lease = randomBytes(8).toString('hex');
      const rows = this.#lease(max, this.now(), lease);
      if (rows.length > 0) return rows.map((r) => this.#item(r, lease));
      if (Date.now() >= end || this.#closed) return [];
      await new Promise((r) => setTimeout(r, Math.min(EMBEDDED_PULL_POLL_MS, Math.max(1, end - Date.now()))));
    }
  }

  #item(row: WorkRow, lease: string): WorkItem<T> {
    const byLease = (statement: string, ...args: unknown[]): void => {
      if (this.#closed) return;
      this.sqlite.prepare(statement).run(...args, row.id, lease);
    };
    return {
      id: String(row.id),
      payload: JSON.parse(row.payload) as T,
      deliveryCount: row.deliveries,
      // A holder whose lease expired and was taken over changes nothing (the lease no longer matches).
      ack: async () => byLease('DELETE FROM bus_work_items WHERE id = ? AND lease = ?'),
      nak: async (delayMs = 0) =>
        byLease('UPDATE bus_work_items SET visible_at_ms = ?, lease = NULL WHERE id = ? AND lease = ?', this.now() + delayMs),
      inProgress: async () =>
        byLease('UPDATE bus_work_items SET visible_at_ms = ? WHERE id = ? AND lease = ?', this.now() + this.ackWaitMs),
    };
  }

  async size(): Promise<number> {
    this.#open();
    return this.sqlite
      .prepare('SELECT COUNT(*) FROM bus_work_items WHERE workspace = ? AND queue = ?')
      .pluck()
      .get(this.workspace, this.name) as number;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.owned) await this.database.close();
  }
}
