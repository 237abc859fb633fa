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
/** Rows written per INSERT statement. */
const EVENT_WRITE_BATCH_ROWS = 500;

type Handler = (event: EventEnvelopeV1) => Promise<void> | void;

export class DatabaseEventLog implements ControlEventLog {
  readonly #db: Kysely<ControlTables>;
  readonly #followers = new Map<string, Set<Delivery>>();

  constructor(database: Database<unknown>) {
    this.#db = database.db as Kysely<ControlTables>;
  }

  async append(workspaceId: string, events: readonly EventEnvelopeV1[]): Promise<void> {
    if (events.length === 0) return;
    for (const e of events) {
      const valid = validateEnvelope(e);
      if (!valid.ok) throw new ControlError(fromValidationIssues('INVALID_EVENT', valid.issues, e.event_type));
    }
    const fresh: EventEnvelopeV1[] = [];
    await this.#db.transaction().execute(async (trx) => {
      for (let i = 0; i < events.length; i += EVENT_WRITE_BATCH_ROWS) {
        const chunk = events.slice(i, i + EVENT_WRITE_BATCH_ROWS);
        const inserted = await trx
          .insertInto('control_events')
          .values(
            chunk.map((e) => ({
              workspace_id: workspaceId,
              event_id: e.event_id,
              event_type: e.event_type,
              workflow_id: e.workflow_id,
              envelope: JSON.stringify(e),
            })),
          )
          .onConflict((oc) => oc.columns(['workspace_id', 'event_id']).doNothing())
          .returning('event_id')
          .execute();
        const ids = new Set(inserted.map((r) => r.event_id));
        for (const e of chunk) if (ids.has(e.event_id)) fresh.push(e);
      }
    });
    for (const f of this.#followers.get(workspaceId) ?? []) for (const e of fresh) f.push(e);
  }

  async *read(workspaceId: string, workflowId?: string): AsyncIterable<EventEnvelopeV1> {
    let after = 0;
    for (;;) {
      let q = this.#db
        .selectFrom('control_events')
        .select(['seq', 'envelope'])
        .where('workspace_id', '=', workspaceId)
        .where('seq', '>', after);
      if (workflowId) q = q.where('workflow_id', '=', workflowId);
      const rows = await q.orderBy('seq').limit(EVENT_READ_BATCH_ROWS).execute();
      for (const r of rows) yield JSON.parse(r.envelope) as EventEnvelopeV1;
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
