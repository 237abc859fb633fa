// The embedded event log: control's events in the shared database (control_events), one sequence
// per installation, read in that order. Followers in this process are told of each append; this
// serves the embedded mode, where the orchestrator and the workers share one process. The
// distributed mode uses JetStream (jetstream-transport.ts).
import { validateEnvelope, type EventEnvelopeV1 } from '@kush/contracts';
import type { Database } from '@kush/runtime';
import type { Kysely } from 'kysely';
import { ControlError, fromValidationIssues } from '../control-error.js';
import type { ControlTables } from '../store/control-tables.js';
import type { ControlEventLog, EventFollower } from './event-log.js';

/** Rows read from the log per query. */
export const EVENT_READ_BATCH_ROWS = 5_000;
/** Event ids the writer remembers to drop re-sent events; readers drop any older duplicate. */
export const APPENDED_IDS_REMEMBERED_MAX = 1_000_000;
/** Rows per multi-row INSERT on SQLite (about 20% cheaper per row than one by one, measured). */
const SQLITE_ROWS_PER_INSERT = 32;
/** Rows written per INSERT statement. */
const EVENT_WRITE_BATCH_ROWS = 500;

type Handler = (event: EventEnvelopeV1) => Promise<void> | void;

interface PendingAppend {
  readonly workspaceId: string;
  readonly events: readonly EventEnvelopeV1[];
  resolve(): void;
  reject(error: unknown): void;
}

export class DatabaseEventLog implements ControlEventLog {
  readonly #db: Kysely<ControlTables>;
  readonly #followers = new Map<string, Set<Delivery>>();
  readonly #pending: PendingAppend[] = [];
  readonly #recent = new Set<string>();
  readonly #sqlite: Database<unknown>['sqlite'];
  #insertStatement: { run(...values: unknown[]): { changes: number } } | undefined;
  #insertManyStatement: { run(...values: unknown[]): { changes: number } } | undefined;
  #scheduled = false;
  #writing: Promise<void> = Promise.resolve();

  constructor(database: Database<unknown>) {
    this.#db = database.db as Kysely<ControlTables>;
    this.#sqlite = database.sqlite;
  }

  // Prepared on first use: the table exists only once the control migrations ran.
  get #insert() {
    if (!this.#sqlite) return undefined;
    this.#insertStatement ??= this.#sqlite.prepare<unknown[]>(
      'INSERT INTO control_events (workspace_id, event_id, event_type, workflow_id, envelope) VALUES (?, ?, ?, ?, ?)',
    );
    return this.#insertStatement;
  }

  get #insertMany() {
    if (!this.#sqlite) return undefined;
    this.#insertManyStatement ??= this.#sqlite.prepare<unknown[]>(
      `INSERT INTO control_events (workspace_id, event_id, event_type, workflow_id, envelope) VALUES ${Array.from({ length: SQLITE_ROWS_PER_INSERT }, () => '(?, ?, ?, ?, ?)').join(', ')}`,
    );
    return this.#insertManyStatement;
  }

  /**
   * Appends are grouped: every append made while a write is being prepared goes into the same
   * transaction (group commit), in call order, so many small appends cost one commit.
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
    // One write at a time; appends that arrive meanwhile wait for the next group.
    await this.#writing;
    const group = this.#pending.splice(0);
    this.#scheduled = false;
    if (group.length === 0) return;
    let done!: () => void;
    this.#writing = new Promise<void>((r) => (done = r));
    const fresh: { workspaceId: string; event: EventEnvelopeV1 }[] = [];
    try {
      if (this.#insert) this.#writeSqlite(group, fresh);
      else await this.#writeKysely(group, fresh);
    } catch (error) {
      for (const g of group) g.reject(error);
      done();
      return;
    }
    done();
    for (const { workspaceId, event } of fresh) for (const f of this.#followers.get(workspaceId) ?? []) f.push(event);
    for (const g of group) g.resolve();
  }

  /** SQLite: one prepared statement, one synchronous transaction (the hot path of embedded runs). */
  #writeSqlite(group: readonly PendingAppend[], fresh: { workspaceId: string; event: EventEnvelopeV1 }[]): void {
    const rows = this.#dedupe(group);
    const one = this.#insert!;
    const many = this.#insertMany!;
    this.#sqlite!.transaction(() => {
      let i = 0;
      // Rows go in INSERTs of SQLITE_ROWS_PER_INSERT while enough remain (fewer statement steps), then one by one.
      const values: unknown[] = new Array(SQLITE_ROWS_PER_INSERT * 5);
      for (; i + SQLITE_ROWS_PER_INSERT <= rows.length; i += SQLITE_ROWS_PER_INSERT) {
        for (let k = 0; k < SQLITE_ROWS_PER_INSERT; k++) {
          const { workspaceId, event: e } = rows[i + k]!;
          values[k * 5] = workspaceId;
          values[k * 5 + 1] = e.event_id;
          values[k * 5 + 2] = e.event_type;
          values[k * 5 + 3] = e.workflow_id;
          values[k * 5 + 4] = JSON.stringify(e);
        }
        many.run(...values);
      }
      for (; i < rows.length; i++) {
        const { workspaceId, event: e } = rows[i]!;
        one.run(workspaceId, e.event_id, e.event_type, e.workflow_id, JSON.stringify(e));
      }
    })();
    this.#remember(rows);
    fresh.push(...rows);
  }

  async #writeKysely(group: readonly PendingAppend[], fresh: { workspaceId: string; event: EventEnvelopeV1 }[]): Promise<void> {
    const rows = this.#dedupe(group);
    await this.#db.transaction().execute(async (trx) => {
      for (let i = 0; i < rows.length; i += EVENT_WRITE_BATCH_ROWS) {
        await trx
          .insertInto('control_events')
          .values(
            rows.slice(i, i + EVENT_WRITE_BATCH_ROWS).map(({ workspaceId, event: e }) => ({
              workspace_id: workspaceId,
              event_id: e.event_id,
              event_type: e.event_type,
              workflow_id: e.workflow_id,
              envelope: JSON.stringify(e),
            })),
          )
          .execute();
      }
    });
    this.#remember(rows);
    fresh.push(...rows);
  }

  /** The group's events minus ids this log appended recently (a redelivered task's re-sent events). */
  #dedupe(group: readonly PendingAppend[]): { workspaceId: string; event: EventEnvelopeV1 }[] {
    const rows: { workspaceId: string; event: EventEnvelopeV1 }[] = [];
    const inGroup = new Set<string>();
    for (const g of group) {
      for (const e of g.events) {
        const key = `${g.workspaceId}\u001f${e.event_id}`;
        if (this.#recent.has(key) || inGroup.has(key)) continue;
        inGroup.add(key);
        rows.push({ workspaceId: g.workspaceId, event: e });
      }
    }
    return rows;
  }

  #remember(rows: readonly { workspaceId: string; event: EventEnvelopeV1 }[]): void {
    for (const { workspaceId, event } of rows) {
      this.#recent.add(`${workspaceId}\u001f${event.event_id}`);
      if (this.#recent.size > APPENDED_IDS_REMEMBERED_MAX) this.#recent.delete(this.#recent.values().next().value!);
    }
  }

  async *read(workspaceId: string, workflowId?: string): AsyncIterable<EventEnvelopeV1> {
    let after = 0;
    const ids = new Set<string>();
    for (;;) {
      let q = this.#db
        .selectFrom('control_events')
        .select(['seq', 'envelope'])
        .where('workspace_id', '=', workspaceId)
        .where('seq', '>', after);
      if (workflowId) q = q.where('workflow_id', '=', workflowId);
      const rows = await q.orderBy('seq').limit(EVENT_READ_BATCH_ROWS).execute();
      for (const r of rows) {
        const e = JSON.parse(r.envelope) as EventEnvelopeV1;
        if (ids.has(e.event_id)) continue;
        ids.add(e.event_id);
        yield e;
      }
      if (rows.length < EVENT_READ_BATCH_ROWS) return;
      after = Number(rows.at(-1)!.seq);
    }
  }

  async follow(workspaceId: string, handler: Handler): Promise<EventFollower> {
    const delivery = new Delivery(handler);
    let set = this.#followers.get(workspaceId);
    if (!set) this.#followers.set(workspaceId, (set = new Set()));
    set.add(delivery);
    return {
      close: async () => {
        set.delete(delivery);
        await delivery.drained();
      },
    };
  }
}

/** Delivers events to one handler in order, one at a time. */
class Delivery {
  readonly #queue: EventEnvelopeV1[] = [];
  #running: Promise<void> | undefined;

  constructor(private readonly handler: Handler) {}

  push(event: EventEnvelopeV1): void {
    this.#queue.push(event);
    this.#running ??= this.#drain();
  }

  async #drain(): Promise<void> {
    await Promise.resolve();
    for (let i = 0; i < this.#queue.length; i++) await this.handler(this.#queue[i]!);
    this.#queue.length = 0;
    this.#running = undefined;
  }

  async drained(): Promise<void> {
    while (this.#running) await this.#running;
  }
}
