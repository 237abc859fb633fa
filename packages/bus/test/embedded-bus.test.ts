import { createEnvelope, deterministicUuid, exampleEnvelope, type EventEnvelopeV1 } from '@kush/contracts';
import { openDatabase, type Database } from '@kush/runtime';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BusError, applyExactlyOnce, openEmbeddedBus, subjectMatcher, type Delivery, type EmbeddedBus } from '@kush/bus';

const TYPES = ['civ.economy.market_cleared.v1', 'civ.energy.generated.v1', 'venture.task.completed.v1'];

function envelopeOf(type: string, n: number): EventEnvelopeV1 {
  const base = exampleEnvelope(type);
  if (!base) throw new Error(`no example for ${type}`);
  const event_id = deterministicUuid('bus-test', type, String(n));
  return createEnvelope({ ...base, event_id, replay_token: undefined as unknown as string });
}

let database: Database<unknown>;
let bus: EmbeddedBus;

beforeEach(async () => {
  database = await openDatabase<unknown>({ sqlitePath: ':memory:' });
  bus = await openEmbeddedBus({ database });
});
afterEach(async () => {
  await bus.close();
  await database.close();
});

describe('subject filters', () => {
  it('match NATS-style wildcards over event types', () => {
    expect(subjectMatcher('civ.economy.*')('civ.economy.market_cleared')).toBe(true);
    expect(subjectMatcher('civ.economy.*')('civ.economy.market_cleared.v1')).toBe(false);
    expect(subjectMatcher('venture.civ.>')('venture.civ.ingest_batch_completed.v1')).toBe(true);
    expect(subjectMatcher('venture.civ.>')('venture.civ')).toBe(false);
    expect(() => subjectMatcher('a.>.b')).toThrow(/'>' may only be the last token/);
  });
});

describe('embedded bus', () => {
  it('publishes, and re-publishing the same replay tokens stores nothing and returns the original sequences', async () => {
    const batch = TYPES.map((t, i) => envelopeOf(t, i));
    const first = await bus.publish(batch);
    expect(first.accepted).toBe(3);
    expect(first.duplicates).toBe(0);
    const again = await bus.publish(batch);
    expect(again).toEqual({ accepted: 0, duplicates: 3, sequences: first.sequences });
    expect((await bus.stats()).total).toBe(3);
  });

  it('refuses a whole batch when one envelope is invalid, naming its index, and stores nothing', async () => {
    const batch: unknown[] = TYPES.map((t, i) => envelopeOf(t, i));
    batch.push({ ...envelopeOf(TYPES[0]!, 99), created_at: 'yesterday' });
    const error = await bus.publish(batch).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BusError);
    expect((error as BusError).issues.some((i) => i.path.startsWith('envelopes[3].created_at'))).toBe(true);
    expect((await bus.stats()).total).toBe(0);
  });

  it('keeps workspaces apart and reads by filter, sequence and time', async () => {
    await bus.publish(
      TYPES.map((t, i) => envelopeOf(t, i)),
      { workspace: 'alpha' },
    );
    await bus.publish([envelopeOf(TYPES[0]!, 7)], { workspace: 'beta' });
    expect((await bus.read({ workspace: 'beta' })).map((e) => e.envelope.event_type)).toEqual([TYPES[0]]);
    const alpha = await bus.read({ workspace: 'alpha' });
    expect(alpha).toHaveLength(3);
    expect(await bus.read({ workspace: 'alpha', filter: 'civ.*.*.*' })).toHaveLength(2);
    expect(await bus.read({ workspace: 'alpha', fromSequence: alpha[1]!.sequence })).toHaveLength(2);
    expect(await bus.read({ workspace: 'alpha', fromTime: Date.now() + 60_000 })).toHaveLength(0);
    await expect(bus.publish([], { workspace: 'Bad Name' })).rejects.toThrow(/workspace/);
  });

  it('delivers to a filtered subscriber of its own workspace only, live', async () => {
    const seen: string[] = [];
    const sub = await bus.subscribe({ filter: 'venture.task.>', workspace: 'alpha' }, async (d) => {
      seen.push(d.event.envelope.event_type);
      await d.ack();
    });
    await bus.publish(
      TYPES.map((t, i) => envelopeOf(t, i)),
      { workspace: 'beta' },
    );
    await bus.publish(
      TYPES.map((t, i) => envelopeOf(t, i)),
      { workspace: 'alpha' },
    );
    await expect.poll(() => seen.length).toBe(1);
    await new Promise((r) => setTimeout(r, 150));
    expect(seen).toEqual([TYPES[2]]);
    await sub.stop();
  });

  it('redelivers after the ack timeout, and a durable consumer resumes after its acknowledged position', async () => {
    await bus.publish(TYPES.map((t, i) => envelopeOf(t, i)));
    const attempts: number[] = [];
    const sub = await bus.subscribe({ filter: '>', durable: 'worker', ackTimeoutMs: 50 }, async (d: Delivery) => {
      attempts.push(d.attempt);
      if (d.attempt === 2) await d.ack();
      if (d.event.sequence !== 1) await sub.stop().catch(() => undefined);
    });
    await expect.poll(() => attempts.length, { timeout: 5_000 }).toBeGreaterThanOrEqual(2);
    await sub.stop();
    expect(attempts.slice(0, 2)).toEqual([1, 2]);
    expect(bus.consumerPosition('default', 'worker')).toBe(1);
    const resumed: number[] = [];
    const again = await bus.subscribe({ filter: '>', durable: 'worker', ackTimeoutMs: 50 }, async (d) => {
      resumed.push(d.event.sequence);
      await d.ack();
    });
    await expect.poll(() => resumed.length).toBe(2);
    await again.stop();
    expect(resumed).toEqual([2, 3]);
    expect(bus.consumerPosition('default', 'worker')).toBe(3);
  });

  it('applies an effect exactly once with the consumer position in the same transaction', async () => {
    bus.sqlite.exec('CREATE TABLE effect_count (n INTEGER NOT NULL)');
    bus.sqlite.exec('INSERT INTO effect_count VALUES (0)');
    await bus.publish([envelopeOf(TYPES[0]!, 1)]);
    const [event] = await bus.read();
    const consumer = { bus, workspace: 'default', name: 'counter' };
    const effect = () => void bus.sqlite.prepare('UPDATE effect_count SET n = n + 1').run();
    expect(applyExactlyOnce(consumer, event!, effect)).toBe(true);
    expect(applyExactlyOnce(consumer, event!, effect)).toBe(false);
    expect(bus.sqlite.prepare('SELECT n FROM effect_count').pluck().get()).toBe(1);
  });
});
