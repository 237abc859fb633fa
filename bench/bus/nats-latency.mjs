// Publish-to-consume latency on the NATS adapter: one event at a time, published with
// bus.publish([e]) and received by a subscriber of the same workspace (a JetStream pull consumer).
// Run after `npx tsc -b packages/bus`: node bench/bus/nats-latency.mjs  (needs NATS at KUSH_NATS_URL
// or nats://127.0.0.1:4222).
import { createEnvelope, deterministicUuid, exampleEnvelope } from '@kush/contracts';
import { probeTcp } from '@kush/runtime';
import { openNatsBus } from '@kush/bus';

const EVENTS = 2_000;
const url = process.env.KUSH_NATS_URL ?? 'nats://127.0.0.1:4222';
if (!(await probeTcp(url).catch(() => false))) {
  console.log(`NATS not reachable at ${url}; nothing measured`);
  process.exit(0);
}
const prefix = `KBLAT_${process.pid}`;
const bus = await openNatsBus({ url, prefix });
const base = exampleEnvelope('civ.energy.generated.v1');
const events = Array.from({ length: EVENTS }, (_, i) =>
  createEnvelope({ ...base, event_id: deterministicUuid('bench-nats-latency', String(process.pid), String(i)), replay_token: undefined }),
);
const sentAt = new Map();
const latencies = [];
let received;
const sub = await bus.subscribe({ filter: '>', workspace: 'latency' }, async (d) => {
  latencies.push(performance.now() - sentAt.get(d.event.envelope.replay_token));
  await d.ack();
  received?.();
});
for (const e of events) {
  const got = new Promise((resolve) => (received = resolve));
  sentAt.set(e.replay_token, performance.now());
  await bus.publish([e], { workspace: 'latency' });
  await got;
}
await sub.stop();
latencies.sort((a, b) => a - b);
const q = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))].toFixed(3);
console.log(`nats publish-to-consume latency (${latencies.length} events, one at a time): p50 ${q(0.5)} ms, p99 ${q(0.99)} ms`);
await bus.destroy(['latency']);
await bus.close();
