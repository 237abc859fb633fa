import { createEnvelope, deterministicUuid, exampleEnvelope, type EventEnvelopeV1 } from '@kush/contracts';
import { integrationTarget, openDatabase, type Database } from '@kush/runtime';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { BusError, OutboxPublisher, enqueue, migrateOutbox, openEmbeddedBus } from '@kush/bus';

const postgresUrl = await integrationTarget('postgres');

function envelopeOf(n: number): EventEnvelopeV1 {
  const base = exampleEnvelope('venture.task.completed.v1')!;
  return createEnvelope({ ...base, event_id: deterministicUuid('outbox-test', String(n)), replay_token: undefined as unknown as string });
}

async function exercise(producer: Database<unknown>): Promise<void> {
  const busDatabase = await openDatabase<unknown>({ sqlitePath: ':memory:' });
  const bus = await openEmbeddedBus({ database: busDatabase });
  try {
    await migrateOutbox(producer);
    await sql`CREATE TABLE outbox_test_orders (id integer PRIMARY KEY)`.execute(producer.db);
    // The producer's own row and its events commit together.
    await producer.db.transaction().execute(async (trx) => {
      await sql`INSERT INTO outbox_test_orders (id) VALUES (1)`.execute(trx);
      await enqueue(trx, 'alpha', [envelopeOf(1), envelopeOf(2)]);
    });
    // A rolled-back producer transaction leaves no events.
    await producer.db
      .transaction()
      .execute(async (trx) => {
        await enqueue(trx, 'alpha', [envelopeOf(3)]);
        throw new Error('producer failed');
      })
      .catch(() => undefined);
    // An invalid envelope refuses the whole enqueue.
    await expect(
      producer.db.transaction().execute((trx) => enqueue(trx, 'alpha', [envelopeOf(4), { ...envelopeOf(5), event_type: 'nope' }])),
    ).rejects.toBeInstanceOf(BusError);

    // Crash after the bus publish but before marking published: the next publisher re-sends, the bus drops duplicates.
    const first = new OutboxPublisher(producer, bus);
    await bus.publish([envelopeOf(1)], { workspace: 'alpha' });
    expect(await first.pending()).toBe(2);
    const round = await first.drain();
    expect(round).toEqual({ moved: 2, accepted: 1, duplicates: 1 });
    expect(await first.pending()).toBe(0);
    expect(await new OutboxPublisher(producer, bus).drain()).toEqual({ moved: 0, accepted: 0, duplicates: 0 });
    const stats = await bus.stats({ workspace: 'alpha' });
    expect(stats.total).toBe(2);
  } finally {
    await bus.close();
    await busDatabase.close();
  }
}

describe('transactional outbox', () => {
  it('on SQLite: events commit with the producer, move to the bus exactly once', async () => {
    const producer = await openDatabase<unknown>({ sqlitePath: ':memory:' });
    try {
      await exercise(producer);
    } finally {
      await producer.close();
    }
  });

  it.skipIf(!postgresUrl)('on PostgreSQL: the same', async () => {
    const schema = `bus_test_${Math.random().toString(36).slice(2, 10)}`;
    const producer = await openDatabase<unknown>({ url: postgresUrl!, schema });
    try {
      await exercise(producer);
    } finally {
      await sql`DROP SCHEMA ${sql.id(schema)} CASCADE`.execute(producer.db);
      await producer.close();
    }
  });
});
