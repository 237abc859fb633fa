// Control-plane throughput: a 10,000-task fan-out of no-op tools, run embedded (SQLite event log,
// in-process queue and worker) and on NATS JetStream with 1 and 2 `kush worker` processes; in the
// same run BullMQ (local Redis) and graphile-worker (local PostgreSQL) doing 10,000 no-op jobs.
// Then policy evaluation: decisions/s and p50 latency for a bundle of 50 rules.
//
//   npm run build && node bench/control/throughput.mjs [--tasks 10000] [--concurrency 64] [--skip-peers]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CompiledBundle, openControlRuntime } from '@kush/control';
import { openDatabase, probeTcp } from '@kush/runtime';

const { values } = parseArgs({
  options: {
    tasks: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '64' },
    runs: { type: 'string', default: '3' },
    'skip-peers': { type: 'boolean', default: false },
  },
});
const TASKS = Number(values.tasks);
const CONCURRENCY = Number(values.concurrency);
const RUNS = Number(values.runs);
const ROOT = resolve(import.meta.dirname, '../..');
const KUSH_BIN = join(ROOT, 'apps/cli/bin/kush.js');
const NATS_URL = process.env.KUSH_NATS_URL || 'nats://127.0.0.1:4222';
const PG_URL = process.env.KUSH_TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const REDIS = { host: '127.0.0.1', port: 6379 };

const workflow = `name: bench-fan-out
agent_role: orchestrator
defaults: { timeout_ms: 120000 }
tasks:
  - id: root
    tools: [{ tool: noop }]
  - id: leaf
    fan_out: ${TASKS}
    depends_on: [root]
    tools: [{ tool: noop }]
`;
// Each system runs RUNS times, the systems taking turns in every round (the machine is shared:
// turns spread its noise over all of them); the median run is reported.
const samples = new Map();
const record = (name, tasks, seconds, note) => {
  const row = { name, tasks, seconds: Number(seconds.toFixed(3)), tasks_per_second: Math.round(tasks / seconds), note };
  if (!samples.has(name)) samples.set(name, []);
  samples.get(name).push(row);
  process.stderr.write(`${name}: ${row.tasks_per_second} tasks/s (${row.seconds} s)\n`);
};

async function runFanOut(runtime) {
  const started = performance.now();
  const result = await runtime.plane.run(workflow);
  const seconds = (performance.now() - started) / 1000;
  if (!result.ok) throw new Error(result.issues.map((i) => i.message).join('\n'));
  if (result.value.state.status !== 'completed' || result.value.state.completed_tasks !== TASKS + 1)
    throw new Error(`fan-out ended ${result.value.state.status}`);
  return seconds;
}

async function embedded() {
  const home = mkdtempSync(join(tmpdir(), 'kush-bench-'));
  const database = await openDatabase({ sqlitePath: join(home, 'kush.db') });
  const runtime = await openControlRuntime({ database });
  await runtime.plane.startWorkers(1, CONCURRENCY);
  const seconds = await runFanOut(runtime);
  await runtime.close();
  await database.close();
  record('kush embedded (SQLite log, in-process worker)', TASKS + 1, seconds, `concurrency ${CONCURRENCY}`);
}

async function jetstream(workers) {
  const home = mkdtempSync(join(tmpdir(), 'kush-bench-'));
  const prefix = `KUSH_BENCH_${Date.now().toString(36).toUpperCase()}`;
  const database = await openDatabase({ sqlitePath: join(home, 'kush.db') });
  const runtime = await openControlRuntime({ database, busUrl: NATS_URL, streamPrefix: prefix, ackWaitMs: 30_000 });
  const env = {
    ...process.env,
    KUSH_HOME: home,
    KUSH_BUS_URL: NATS_URL,
    KUSH_CONTROL_STREAM_PREFIX: prefix,
    KUSH_CONTROL_ACK_WAIT_MS: '30000',
  };
  const children = [];
  for (let i = 0; i < workers; i++) {
    const child = spawn(process.execPath, [KUSH_BIN, 'worker', '--concurrency', String(CONCURRENCY)], {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    children.push(child);
    await new Promise((ready, fail) => {
      let err = '';
      child.stderr.on('data', (d) => {
        err += d;
        if (err.includes('worker ready')) ready();
      });
      child.once('exit', (code) => fail(new Error(`worker exited (${code}): ${err}`)));
    });
  }
  const seconds = await runFanOut(runtime);
  for (const c of children) c.kill('SIGTERM');
  await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r() : c.once('exit', r)))));
  await runtime.transport.destroy();
  await runtime.close();
  await database.close();
  record(
    `kush JetStream, ${workers} worker process${workers > 1 ? 'es' : ''}`,
    TASKS + 1,
    seconds,
    `concurrency ${CONCURRENCY} per worker`,
  );
}

async function bullmq() {
  const { Queue, Worker, QueueEvents } = await import('bullmq');
  const name = `kush-bench-${Date.now()}`;
  const queue = new Queue(name, { connection: REDIS });
  let done = 0;
  let finish;
  const finished = new Promise((r) => (finish = r));
  const worker = new Worker(name, async () => {}, { connection: REDIS, concurrency: CONCURRENCY });
  worker.on('completed', () => {
    if (++done === TASKS) finish();
  });
  await worker.waitUntilReady();
  const started = performance.now();
  for (let i = 0; i < TASKS; i += 1000)
    await queue.addBulk(Array.from({ length: Math.min(1000, TASKS - i) }, (_, j) => ({ name: 'noop', data: { i: i + j } })));
  await finished;
  const seconds = (performance.now() - started) / 1000;
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  void QueueEvents;
  record('BullMQ (local Redis, in-process worker)', TASKS, seconds, `concurrency ${CONCURRENCY}`);
}

async function graphile() {
  const { run } = await import('graphile-worker');
  const schema = `graphile_bench_${Date.now().toString(36)}`;
  const pgConcurrency = 16;
  let done = 0;
  let finish;
  const finished = new Promise((r) => (finish = r));
  const runner = await run({
    connectionString: PG_URL,
    schema,
    concurrency: pgConcurrency,
    maxPoolSize: pgConcurrency + 4,
    noHandleSignals: true,
    pollInterval: 1000,
    logger: new (await import('graphile-worker')).Logger(() => () => {}),
    taskList: { noop: async () => {} },
  });
  runner.events.on('job:success', () => {
    if (++done === TASKS) finish();
  });
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  const started = performance.now();
  await client.query(`SELECT ${schema}.add_job('noop', json_build_object('i', i)) FROM generate_series(1, $1) AS i`, [TASKS]);
  await finished;
  const seconds = (performance.now() - started) / 1000;
  await runner.stop();
  await client.query(`DROP SCHEMA ${schema} CASCADE`);
  await client.end();
  record('graphile-worker (local PostgreSQL)', TASKS, seconds, `concurrency ${pgConcurrency} (one connection per job slot)`);
}

function policy() {
  const rules = Array.from({ length: 50 }, (_, i) => ({
    id: `rule-${i}`,
    when: `tool == 'tool_${i}' and cost_ueau > ${i * 1000} and role in ['analyst', 'engineer', 'auditor'] and not (tier == 'tier_3_limited')`,
    effect: i % 5 === 0 ? 'deny' : i % 5 === 1 ? 'require_approval' : 'allow',
  }));
  const compiled = CompiledBundle.compile({ name: 'bench-50', default_decision: 'deny', rules });
  if (!compiled.ok) throw new Error(compiled.issues[0].message);
  const bundle = compiled.value;
  const contexts = Array.from({ length: 1000 }, (_, i) => ({
    tool: `tool_${i % 60}`,
    cost_ueau: (i * 7919) % 100_000,
    role: ['analyst', 'engineer', 'auditor', 'architect'][i % 4],
    tier: `tier_${i % 4}_x`,
  }));
  let sink = 0;
  for (let i = 0; i < 200_000; i++) sink += bundle.evaluate(contexts[i % 1000]).matched.length;
  const n = 2_000_000;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) sink += bundle.evaluate(contexts[i % 1000]).matched.length;
  const seconds = (performance.now() - t0) / 1000;
  const samples = new Float64Array(200_000);
  for (let i = 0; i < samples.length; i++) {
    const a = process.hrtime.bigint();
    sink += bundle.evaluate(contexts[i % 1000]).matched.length;
    samples[i] = Number(process.hrtime.bigint() - a);
  }
  const empty = new Float64Array(200_000);
  for (let i = 0; i < empty.length; i++) {
    const a = process.hrtime.bigint();
    empty[i] = Number(process.hrtime.bigint() - a);
  }
  samples.sort();
  empty.sort();
  const p = (arr, q) => arr[Math.floor(arr.length * q)];
  return {
    rules: 50,
    decisions_per_second: Math.round(n / seconds),
    mean_us: Number(((seconds / n) * 1e6).toFixed(3)),
    p50_us: Number((p(samples, 0.5) / 1000).toFixed(3)),
    p99_us: Number((p(samples, 0.99) / 1000).toFixed(3)),
    timer_overhead_p50_us: Number((p(empty, 0.5) / 1000).toFixed(3)),
    sink,
  };
}

const natsUp = await probeTcp(NATS_URL);
const redisUp = !values['skip-peers'] && (await probeTcp(`redis://${REDIS.host}:${REDIS.port}`));
const pgUp = !values['skip-peers'] && (await probeTcp(PG_URL));
if (!natsUp) process.stderr.write(`NATS not reachable at ${NATS_URL}: JetStream runs skipped\n`);
if (!values['skip-peers'] && !redisUp) process.stderr.write('Redis not reachable: BullMQ skipped\n');
if (!values['skip-peers'] && !pgUp) process.stderr.write('PostgreSQL not reachable: graphile-worker skipped\n');
for (let round = 0; round < RUNS; round++) {
  await embedded();
  if (natsUp) {
    await jetstream(1);
    await jetstream(2);
  }
  if (redisUp) await bullmq();
  if (pgUp) await graphile();
}
const results = [...samples.values()].map((rows) => {
  const sorted = [...rows].sort((a, b) => a.tasks_per_second - b.tasks_per_second);
  const median = sorted[Math.floor(sorted.length / 2)];
  return { ...median, runs: rows.map((r) => r.tasks_per_second) };
});
const byName = (prefix) => results.find((r) => r.name.startsWith(prefix));
const bull = byName('BullMQ');
const gw = byName('graphile');
const ratios = results
  .filter((r) => r.name.startsWith('kush'))
  .map((r) => ({
    name: r.name,
    vs_bullmq: bull ? Number((r.tasks_per_second / bull.tasks_per_second).toFixed(2)) : null,
    vs_graphile_worker: gw ? Number((r.tasks_per_second / gw.tasks_per_second).toFixed(2)) : null,
  }));
const policyFigures = policy();
process.stderr.write(`policy: ${policyFigures.decisions_per_second} decisions/s, p50 ${policyFigures.p50_us} us\n`);
console.log(
  JSON.stringify(
    {
      node: process.version,
      tasks: TASKS,
      throughput: results,
      ratios,
      policy: policyFigures,
      version: JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version,
    },
    null,
    2,
  ),
);
process.exit(0);
