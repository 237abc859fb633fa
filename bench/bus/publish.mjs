// Bus publish benchmark: embedded adapter vs a raw better-sqlite3 insert loop of the same rows;
// NATS adapter vs raw JetStream publish (when KUSH_NATS_URL or nats://127.0.0.1:4222 answers);
// publish-to-consume latency on the embedded bus. Run after `npx tsc -b packages/bus`:
//   node bench/bus/publish.mjs [events=100000]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEnvelope, deterministicUuid, exampleEnvelope } from '@kush/contracts';
import { openDatabase, probeTcp } from '@kush/runtime';
import { openEmbeddedBus, openNatsBus } from '@kush/bus';

const EVENTS = Number(process.argv[2] ?? 100_000);
const BATCH = 1_000;
const dir = mkdtempSync(join(tmpdir(), 'bench-bus-'));
const types = ['civ.energy.generated.v1', 'civ.economy.market_cleared.v1', 'venture.task.completed.v1'];
const envelopesOf = (tag) =>
  Array.from({ length: EVENTS }, (_, i) =>
    createEnvelope({ ...exampleEnvelope(types[i % 3]), event_id: deterministicUuid('bench', tag, String(i)), replay_token: undefined }),
  );
const rate = (n, ms) => Math.round((n / ms) * 1000);

// Embedded bus.
const db = await openDatabase({ sqlitePath: join(dir, 'bus.db') });
const bus = await openEmbeddedBus({ database: db });
const envs = envelopesOf('bus');
let t = performance.now();
for (let i = 0; i < EVENTS; i += BATCH) await bus.publish(envs.slice(i, i + BATCH));
const busMs = performance.now() - t;

// Raw better-sqlite3: same table shape, same unique index, same JSON, same batches; no validation.
const raw = db.sqlite;
raw.exec(`CREATE TABLE raw_events (sequence INTEGER PRIMARY KEY AUTOINCREMENT, workspace TEXT NOT NULL, event_type TEXT NOT NULL,
  replay_token TEXT NOT NULL, published_at_ms INTEGER NOT NULL, envelope TEXT NOT NULL);
  CREATE UNIQUE INDEX raw_events_replay ON raw_events (workspace, replay_token);
  CREATE INDEX raw_events_ws ON raw_events (workspace, sequence);`);
const insert = raw.prepare(
  'INSERT INTO raw_events (workspace, event_type, replay_token, published_at_ms, envelope) VALUES (?, ?, ?, ?, ?)',
);
const batchInsert = raw.transaction((rows) => {
  const now = Date.now();
  for (const e of rows) insert.run('default', e.event_type, e.replay_token, now, JSON.stringify(e));
});
const rawEnvs = envelopesOf('raw');
t = performance.now();
for (let i = 0; i < EVENTS; i += BATCH) batchInsert(rawEnvs.slice(i, i + BATCH));
const rawMs = performance.now() - t;
console.log(
  `embedded bus: ${rate(EVENTS, busMs)} events/s; raw better-sqlite3: ${rate(EVENTS, rawMs)} rows/s; ratio ${(rawMs / busMs).toFixed(2)}`,
);

// Publish-to-consume latency, one event at a time.
const latencies = [];
let pending;
const sub = await bus.subscribe({ filter: '>', workspace: 'latency' }, async (d) => {
  await d.ack();
  pending?.(performance.now());
});
const one = envelopesOf('latency').slice(0, 2_000);
for (const e of one) {
  const got = new Promise((r) => (pending = r));
  const start = performance.now();
  await bus.publish([e], { workspace: 'latency' });
  latencies.push((await got) - start);
}
await sub.stop();
latencies.sort((a, b) => a - b);
const q = (p) => latencies[Math.floor(p * (latencies.length - 1))].toFixed(3);
console.log(`embedded publish-to-consume latency (${latencies.length} events): p50 ${q(0.5)} ms, p99 ${q(0.99)} ms`);
await bus.close();
await db.close();

// NATS adapter vs raw JetStream.
const natsUrl = process.env.KUSH_NATS_URL ?? 'nats://127.0.0.1:4222';

if (await probeTcp(natsUrl).catch(() => false)) {
  const prefix = `BENCH${Date.now().toString(36).toUpperCase()}`;
  const nbus = await openNatsBus({ url: natsUrl, prefix });
  const nenvs = envelopesOf('nats');
  t = performance.now();
  for (let i = 0; i < EVENTS; i += BATCH) await nbus.publish(nenvs.slice(i, i + BATCH));
  const natsMs = performance.now() - t;
  await nbus.close();
  const { connect } = await import('@nats-io/transport-node');
  const { jetstream, jetstreamManager } = await import('@nats-io/jetstream');
  const nc = await connect({ servers: natsUrl });
  const jsm = await jetstreamManager(nc);
  const stream = `${prefix}_RAW`;
  await jsm.streams.add({ name: stream, subjects: [`${stream.toLowerCase()}.>`] });
  const js = jetstream(nc);
  const renvs = envelopesOf('natsraw');
  t = performance.now();
  for (let i = 0; i < EVENTS; i += BATCH)
    await Promise.all(
      renvs
        .slice(i, i + BATCH)
        .map((e) => js.publish(`${stream.toLowerCase()}.${e.event_type}`, JSON.stringify(e), { msgID: e.replay_token })),
    );
  const rawNatsMs = performance.now() - t;
  await jsm.streams.delete(stream);
  await nc.close();
  console.log(
    `nats bus: ${rate(EVENTS, natsMs)} events/s; raw JetStream publish: ${rate(EVENTS, rawNatsMs)} msgs/s; ratio ${(rawNatsMs / natsMs).toFixed(2)}`,
  );
} else console.log(`nats: ${natsUrl} not reachable, skipped`);
rmSync(dir, { recursive: true, force: true });
