// HTTP event ingest: POST /api/v1/workspaces/bench/events with full envelope validation, stored on the
// embedded bus in a temporary SQLite file. Load comes from a child process over loopback, bounded by
// REQUESTS and CONCURRENCY. Usage: node bench/server/ingest.mjs [requests] [concurrency]
import { fork } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REQUESTS = Number(process.argv[2] ?? 5000);
const CONCURRENCY = Number(process.argv[3] ?? 32);

if (process.env.KUSH_BENCH_CHILD) {
  const { url, key, bodies } = await new Promise((resolve) => process.once('message', resolve));
  let next = 0;
  let failed = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < bodies.length) {
      const body = bodies[next++];
      const response = await fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body,
      });
      await response.arrayBuffer();
      if (response.status !== 202) failed++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  process.send({ seconds: (performance.now() - started) / 1000, failed });
  process.disconnect();
} else {
  const { openDatabase } = await import('@kush/runtime');
  const { openBus } = await import('@kush/bus');
  const { createApiKey, migrateServer, startServer } = await import('@kush/server');
  const { exampleEnvelope, deterministicUuid, replayToken } = await import('@kush/contracts');
  const dir = mkdtempSync(join(tmpdir(), 'kush-bench-server-'));
  const database = await openDatabase({ sqlitePath: join(dir, 'kush.db') });
  await migrateServer(database);
  const bus = await openBus({ url: undefined, database });
  const { key } = await createApiKey(database.db, 'bench', 'engineer');
  const { app, url } = await startServer({
    database,
    port: 0,
    logger: false,
    rateLimitPerMinute: 10_000_000,
    publish: async (workspace, envelope) => ({ stored: (await bus.publish([envelope], { workspace })).accepted > 0 }),
  });
  const base = exampleEnvelope('civ.citizen.born.v1');
  const bodies = [];
  for (let i = 0; i < REQUESTS; i++) {
    const event_id = deterministicUuid('bench-server', String(i));
    bodies.push(JSON.stringify({ ...base, event_id, replay_token: replayToken(event_id, base.source_system, base.created_at) }));
  }
  const child = fork(fileURLToPath(import.meta.url), process.argv.slice(2), {
    env: { ...process.env, KUSH_BENCH_CHILD: '1' },
  });
  child.send({ url: `${url}/api/v1/workspaces/bench/events`, key, bodies });
  const [result] = await new Promise((resolve) => child.once('message', (m) => resolve([m])));
  const stored = (await bus.stats({ workspace: 'bench' })).total;
  console.log(
    `server ingest: ${REQUESTS} POST /events (validated, stored on the embedded bus), concurrency ${CONCURRENCY}: ` +
      `${(REQUESTS / result.seconds).toFixed(0)} requests/s, ${result.failed} failed, ${stored} stored`,
  );
  await app.close();
  await bus.close();
  await database.close();
}
