// The transactional outbox: a producer writes its own rows and its events in ONE transaction
// (enqueue, on the producer's Kysely transaction), and OutboxPublisher later moves the events to
// the bus and marks them published. A crash between the commit and the publish leaves the rows
// pending, so the next round publishes them; a crash between the publish and the mark publishes
// them again, which the bus drops as duplicates by replay_token. Together: exactly once on the bus.
import type { EventEnvelopeV1 } from '@kush/contracts';
import { migrateToLatest, type Database } from '@kush/runtime';
import { sql, type Generated, type Kysely, type Migration, type Transaction } from 'kysely';
import { checkBatch, checkWorkspace, type EventBus } from './event-bus.js';

/** Rows moved per publisher round (one bus batch per workspace per round). */
export const OUTBOX_ROUND_ROWS_MAX = 1_000;

export interface OutboxTables {
  outbox_events: {
    id: Generated<number>;
    workspace: string;
    replay_token: string;
    envelope: string;
    enqueued_at_ms: number;
    published_at_ms: number | null;
  };
}

export const outboxMigrations: Record<string, Migration> = {
  '001_outbox_events': {
    async up(db: Kysely<unknown>): Promise<void> {
      const postgres = db.getExecutor().adapter.constructor.name.toLowerCase().includes('postgres');
      await db.schema
        .createTable('outbox_events')
        .addColumn('id', postgres ? 'bigserial' : 'integer', (c) => (postgres ? c.primaryKey() : c.primaryKey().autoIncrement()))
        .addColumn('workspace', 'text', (c) => c.notNull())
        .addColumn('replay_token', 'text', (c) => c.notNull())
        .addColumn('envelope', 'text', (c) => c.notNull())
        .addColumn('enqueued_at_ms', 'bigint', (c) => c.notNull())
        .addColumn('published_at_ms', 'bigint')
        .execute();
      // The publisher's query: pending rows in order.
      await sql`CREATE INDEX outbox_events_pending ON outbox_events (id) WHERE published_at_ms IS NULL`.execute(db);
    },
  },
};

export async function migrateOutbox(database: Database<unknown>): Promise<void> {
  await migrateToLatest(database, 'outbox', outboxMigrations);
}

/** Adds events to the outbox inside the producer's transaction; refuses the whole batch when one is invalid. */
export async function enqueue(
  trx: Transaction<unknown> | Kysely<unknown>,
  workspace: string,
  envelopes: readonly unknown[],
  now: number = Date.now(),
): Promise<number> {
  const id = checkWorkspace(workspace);
  const valid = checkBatch(envelopes);
  if (valid.length === 0) return 0;
  const db = trx as unknown as Kysely<OutboxTables>;
  await db
    .insertInto('outbox_events')
    .values(valid.map((e) => ({ workspace: id, replay_token: e.replay_token, envelope: JSON.stringify(e), enqueued_at_ms: now })))
    .execute();
  return valid.length;
}

export interface OutboxRound {
  readonly moved: number;
  readonly accepted: number;
  readonly duplicates: number;
}

export class OutboxPublisher {
  readonly #db: Kysely<OutboxTables>;

  constructor(
    database: Database<unknown>,
    readonly bus: EventBus,
    readonly now: () => number = Date.now,
  ) {
    this.#db = database.db as Kysely<OutboxTables>;
  }

  /** Moves up to OUTBOX_ROUND_ROWS_MAX pending rows to the bus, in enqueue order, and marks them published. */
  async publishRound(): Promise<OutboxRound> {
    const rows = await this.#db
      .selectFrom('outbox_events')
      .select(['id', 'workspace', 'envelope'])
      .where('published_at_ms', 'is', null)
      .orderBy('id')
      .limit(OUTBOX_ROUND_ROWS_MAX)
      .execute();
    if (rows.length === 0) return { moved: 0, accepted: 0, duplicates: 0 };
    const byWorkspace = new Map<string, { ids: number[]; envelopes: EventEnvelopeV1[] }>();
    for (const row of rows) {
      const group = byWorkspace.get(row.workspace) ?? { ids: [], envelopes: [] };
      group.ids.push(Number(row.id));
      group.envelopes.push(JSON.parse(row.envelope) as EventEnvelopeV1);
      byWorkspace.set(row.workspace, group);
    }
    let accepted = 0;
    let duplicates = 0;
    for (const [workspace, group] of byWorkspace) {
      const result = await this.bus.publish(group.envelopes, { workspace });
      accepted += result.accepted;
      duplicates += result.duplicates;
      await this.#db.updateTable('outbox_events').set({ published_at_ms: this.now() }).where('id', 'in', group.ids).execute();
    }
    return { moved: rows.length, accepted, duplicates };
  }

  /** Publishes rounds until nothing is pending; returns the totals. */
  async drain(): Promise<OutboxRound> {
    let moved = 0;
    let accepted = 0;
    let duplicates = 0;
    for (;;) {
      const round = await this.publishRound();
      if (round.moved === 0) return { moved, accepted, duplicates };
      moved += round.moved;
      accepted += round.accepted;
      duplicates += round.duplicates;
    }
  }

  async pending(): Promise<number> {
    const row = await this.#db
      .selectFrom('outbox_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('published_at_ms', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
