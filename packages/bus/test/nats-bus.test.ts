// The bus contract on the NATS JetStream adapter: the same behaviours the embedded suite checks,
// plus idempotency past JetStream's duplicate window. Runs whenever NATS is reachable (always in CI).
import { createEnvelope, deterministicUuid, exampleEnvelope, type EventEnvelopeV1 } from '@kush/contracts';
import { integrationTarget } from '@kush/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BusError, openBus, openNatsBus, type Delivery, type NatsBus } from '@kush/bus';

const url = await integrationTarget('nats');
const TYPES = ['civ.economy.market_cleared.v1', 'civ.energy.generated.v1', 'venture.task.completed.v1'];
const RUN = `T${process.pid}_${Date.now().toString(36).toUpperCase()}`;

function envelopeOf(type: string, n: number): EventEnvelopeV1 {
  const base = exampleEnvelope(type);
  if (!base) throw new Error(`no example for ${type}`);
  const event_id = deterministicUuid('bus-nats-test', RUN, type, String(n));
  return createEnvelope({ ...base, event_id, replay_token: undefined as unknown as string });
}

describe.skipIf(!url)('NATS JetStream bus', () => {
  let bus: NatsBus;
  const workspaces = ['default', 'alpha', 'beta', 'window'];

  beforeAll(async () => {
    bus = await openNatsBus({ url: url!, prefix: `KB_${RUN}`, duplicateWindowMs: 1_000 });
  });
  afterAll(async () => {
    await bus.destroy(workspaces);
    await bus.close();
  });

  it('publishes, and re-publishing the same replay tokens stores nothing and returns the original sequences', async () => {
    const batch = TYPES.map((t, i) => envelopeOf(t, i));
    const first = await bus.publish(batch);
    expect(first.accepted).toBe(3);
    expect(first.duplicates).toBe(0);
    const again = await bus.publish(batch);
    expect(again).toEqual({ accepted: 0, duplicates: 3, sequences: first.sequences });
    const stats = await bus.stats();
    expect(stats.total).toBe(3);
    expect(stats.by_type).toEqual(Object.fromEntries([...TYPES].sort().map((t) => [t, 1])));
  });

  it('stays idempotent after the duplicate window has passed', async () => {
    const e = envelopeOf(TYPES[0]!, 1000);
    const first = await bus.publish([e], { workspace: 'window' });
    expect(first.accepted).toBe(1);
    await new Promise((r) => setTimeout(r, 1_500));
    const late = await bus.publish([e, envelopeOf(TYPES[1]!, 1001)], { workspace: 'window' });
    expect(late.accepted).toBe(1);
    expect(late.duplicates).toBe(1);
    expect(late.sequences[0]).toBe(first.sequences[0]);
    expect((await bus.stats({ workspace: 'window' })).total).toBe(2);
  });

  it('refuses a whole batch when one envelope is invalid, naming its index, and stores nothing', async () => {
    const batch: unknown[] = TYPES.map((t, i) => envelopeOf(t, 500 + i));
    batch.push({ ...envelopeOf(TYPES[0]!, 599), created_at: 'yesterday' });
    const error = await bus.publish(batch, { workspace: 'beta' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BusError);
    expect((error as BusError).issues.some((i) => i.path.startsWith('envelopes[3].created_at'))).toBe(true);
    expect((await bus.stats({ workspace: 'beta' })).total).toBe(0);
  });

  it('keeps workspaces apart and reads by filter, sequence and time', async () => {
    await bus.publish(
      TYPES.map((t, i) => envelopeOf(t, 10 + i)),
      { workspace: 'alpha' },
    );
    await bus.publish([envelopeOf(TYPES[0]!, 17)], { workspace: 'beta' });
    expect((await bus.read({ workspace: 'beta' })).map((e) => e.envelope.event_type)).toEqual([TYPES[0]]);
    const alpha = await bus.read({ workspace: 'alpha' });
    expect(alpha.map((e) => e.envelope.event_type)).toEqual(TYPES);
    expect(alpha.every((e) => e.workspace === 'alpha')).toBe(true);
    expect(await bus.read({ workspace: 'alpha', filter: 'civ.*.*.*' })).toHaveLength(2);
    expect(await bus.read({ workspace: 'alpha', filter: 'venture.>' })).toHaveLength(1);
    expect(await bus.read({ workspace: 'alpha', fromSequence: alpha[1]!.sequence })).toHaveLength(2);
    expect(await bus.read({ workspace: 'alpha', limit: 2 })).toHaveLength(2);
    expect(await bus.read({ workspace: 'alpha', fromTime: Date.now() + 60_000 })).toHaveLength(0);
    expect(await bus.read({ workspace: 'alpha', fromTime: alpha[0]!.published_at_ms })).toHaveLength(3);
    expect(await bus.read({ workspace: 'nobody' })).toEqual([]);
    await expect(bus.publish([], { workspace: 'Bad Name' })).rejects.toThrow(/workspace/);
  });

  it('delivers to a filtered subscriber of its own workspace only, live', async () => {
    const seen: string[] = [];
    const sub = await bus.subscribe({ filter: 'venture.task.>', workspace: 'alpha', fromSequence: 1_000_000 }, async (d) => {
      seen.push(`${d.event.workspace}:${d.event.envelope.event_type}`);
      await d.ack();
    });
    await bus.publish(
      TYPES.map((t, i) => envelopeOf(t, 20 + i)),
      { workspace: 'beta' },
    );
    const info = await bus.publish(
      TYPES.map((t, i) => envelopeOf(t, 20 + i)),
      { workspace: 'alpha' },
    );
    expect(info.accepted).toBe(3);
    // A fresh subscriber from the first new sequence gets the same single event.
    const live: string[] = [];
    const sub2 = await bus.subscribe({ filter: 'venture.task.>', workspace: 'alpha', fromSequence: info.sequences[0] }, async (d) => {
      live.push(`${d.event.workspace}:${d.event.envelope.event_type}`);
      await d.ack();
    });
    await expect.poll(() => live.length).toBe(1);
    await new Promise((r) => setTimeout(r, 150));
    expect(live).toEqual([`alpha:${TYPES[2]}`]);
    await sub2.stop();
    await new Promise((r) => setTimeout(r, 150));
    await sub.stop();
    // The subscriber started past the end sees the new alpha event only, never beta's.
    await expect.poll(() => seen.length).toBe(1);
    expect(seen).toEqual([`alpha:${TYPES[2]}`]);
  });

  it('redelivers after the ack timeout, and a durable consumer resumes after its acknowledged position', async () => {
    const ws = 'default';
    const base = (await bus.stats({ workspace: ws })).last_sequence;
    const attempts: number[] = [];
    const durable = `worker_${RUN}`;
    const sub = await bus.subscribe(
      { filter: 'civ.>', workspace: ws, durable, ackTimeoutMs: 300, fromSequence: base + 1 },
      async (d: Delivery) => {
        attempts.push(d.attempt);
        if (d.attempt === 2) await d.ack();
      },
    );
    const published = await bus.publish(TYPES.map((t, i) => envelopeOf(t, 40 + i)));
    await expect.poll(() => attempts.length, { timeout: 5_000 }).toBeGreaterThanOrEqual(2);
    await sub.stop();
    expect(attempts.slice(0, 2)).toEqual([1, 2]);
    const resumed: number[] = [];
    const again = await bus.subscribe({ filter: 'civ.>', workspace: ws, durable, ackTimeoutMs: 300 }, async (d) => {
      resumed.push(d.event.sequence);
      await d.ack();
    });
    // The first civ event was acknowledged on its second delivery; the second civ event comes now.
    await expect.poll(() => resumed.includes(published.sequences[1]!), { timeout: 5_000 }).toBe(true);
    await again.stop();
    expect(resumed).not.toContain(published.sequences[0]);
  });

  it('is what openBus returns for a nats:// KUSH_BUS_URL', async () => {
    const chosen = await openBus({ url: url!, natsPrefix: `KB_${RUN}` });
    try {
      const stats = await chosen.stats({ workspace: 'alpha' });
      expect(stats.adapter).toBe('nats');
      expect(stats.total).toBe((await bus.stats({ workspace: 'alpha' })).total);
    } finally {
      await chosen.close();
    }
    await expect(openBus({ url: 'redis://x' })).rejects.toThrow(/KUSH_BUS_URL: must start with nats:\/\//);
  });

  it('publishes a batch of 2,000 with pipelined acks, sequences in order', async () => {
    const batch = Array.from({ length: 2_000 }, (_, i) => envelopeOf(TYPES[i % 3]!, 10_000 + i));
    const result = await bus.publish(batch, { workspace: 'beta' });
    expect(result.accepted).toBe(2_000);
    const sorted = [...result.sequences].sort((a, b) => a - b);
    expect(new Set(sorted).size).toBe(2_000);
    const again = await bus.publish(batch, { workspace: 'beta' });
    expect(again.duplicates).toBe(2_000);
    expect(again.sequences).toEqual(result.sequences);
  });
});
