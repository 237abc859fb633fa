// `kush run` end to end as a user runs it: determinism of the Venture state, zero drift, the
// budget flow, PostgreSQL, and a run killed with SIGKILL and started again.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { integrationTarget } from '@kush/runtime';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { KUSH_BIN, runCli } from './run-cli.js';

const pgUrl = await integrationTarget('postgres');
const natsUrl = await integrationTarget('nats');
const home = () => mkdtempSync(join(tmpdir(), 'kush-run-'));
const ARGS = ['run', '--scenario', 'small', '--ticks', '20', '--seed', '7', '--no-serve', '--json'];
const run = (kushHome: string, extra: string[] = []) => {
  const r = runCli([...ARGS, ...extra], { env: { KUSH_HOME: kushHome, KUSH_DATABASE_URL: '' } });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as Record<string, unknown>;
};

describe('kush run', () => {
  const first = run(home());

  it('reconciles the Venture ledger with the simulation at zero drift', () => {
    expect(first).toMatchObject({
      ticks: 20,
      ledger_drift: 0,
      reconciliation_status: 'matched',
      ledger_totals: { mJ: 0 },
      audit_chain_ok: true,
    });
    expect(first['ledger_transactions']).toBeGreaterThan(1000);
    expect(first['cases_open']).toBe(1); // flow B: the run's entity_policy_evaluation case
  });

  it('gives the same venture_state_hash twice', () => {
    const second = run(home());
    expect(second['venture_state_hash']).toBe(first['venture_state_hash']);
    expect(second['final_state_hash']).toBe(first['final_state_hash']);
    expect(run(home(), ['--seed', '8'])['venture_state_hash']).not.toBe(first['venture_state_hash']);
  });

  it('is idempotent: running the same run again on the same data changes nothing', () => {
    const h = home();
    const a = run(h);
    const b = run(h);
    expect(b['venture_state_hash']).toBe(a['venture_state_hash']);
    expect(b['ledger_transactions']).toBe(a['ledger_transactions']);
  });

  it('flow E: charges energy to the budget and reports budget.exceeded over quota', () => {
    const h = home();
    const summary = run(h, ['--budget-eau', '1']);
    expect(summary['budget_exceeded_ticks']).toBeGreaterThan(0);
    expect(summary['budget_used_ueau']).toBeLessThanOrEqual(1_000_000);
    const fed = run(home(), ['--budget-eau', '1', '--feedback-loop']);
    expect(fed['final_state_hash']).not.toBe(summary['final_state_hash']); // the feedback changed the simulation
  });

  it('survives SIGKILL mid-run: started again it finishes with zero drift and nothing twice', async () => {
    const h = home();
    const args = ['run', '--scenario', 'small', '--ticks', '60', '--seed', '7', '--no-serve', '--json'];
    const child = spawn(process.execPath, [KUSH_BIN, ...args], {
      env: { ...process.env, KUSH_HOME: h, KUSH_DATABASE_URL: '' },
      stdio: 'ignore',
    });
    await new Promise((r) => setTimeout(r, 2500));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const resumed = runCli(args, { env: { KUSH_HOME: h, KUSH_DATABASE_URL: '' } });
    expect(resumed.status).toBe(0);
    const after = JSON.parse(resumed.stdout) as Record<string, unknown>;
    const clean = JSON.parse(runCli(args, { env: { KUSH_HOME: home(), KUSH_DATABASE_URL: '' } }).stdout) as Record<string, unknown>;
    expect(after['ledger_drift']).toBe(0);
    expect(after['ledger_transactions']).toBe(clean['ledger_transactions']);
    expect(after['venture_state_hash']).toBe(clean['venture_state_hash']);
  }, 120_000);

  it.skipIf(!pgUrl)(
    'runs the same on PostgreSQL with the same venture_state_hash',
    async () => {
      const name = `kush_run_${randomBytes(4).toString('hex')}`;
      const admin = new pg.Client({ connectionString: pgUrl });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      try {
        const url = new URL(pgUrl!);
        url.pathname = `/${name}`;
        const r = runCli([...ARGS, '--database-url', url.toString()], { env: { KUSH_HOME: home(), KUSH_DATABASE_URL: '' } });
        expect(r.status).toBe(0);
        const onPg = JSON.parse(r.stdout) as Record<string, unknown>;
        expect(onPg['ledger_drift']).toBe(0);
        expect(onPg['venture_state_hash']).toBe(first['venture_state_hash']);
      } finally {
        await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
        await admin.end();
      }
    },
    120_000,
  );

  it.skipIf(!natsUrl)(
    'runs the same with NATS JetStream as the bus, with the same venture_state_hash',
    async () => {
      const prefix = `KUSHRUN${randomBytes(3).toString('hex').toUpperCase()}`;
      try {
        const r = runCli([...ARGS, '--bus-url', natsUrl!], { env: { KUSH_HOME: home(), KUSH_DATABASE_URL: '', KUSH_NATS_PREFIX: prefix } });
        expect(r.status, r.stderr).toBe(0);
        const onNats = JSON.parse(r.stdout) as Record<string, unknown>;
        expect(onNats['ledger_drift']).toBe(0);
        expect(onNats['venture_state_hash']).toBe(first['venture_state_hash']);
        expect(onNats['event_count']).toBe(first['event_count']);
      } finally {
        const { connect } = await import('@nats-io/transport-node');
        const { jetstreamManager } = await import('@nats-io/jetstream');
        const nc = await connect({ servers: natsUrl! });
        const jsm = await jetstreamManager(nc);
        for await (const info of jsm.streams.list()) if (info.config.name.startsWith(prefix)) await jsm.streams.delete(info.config.name);
        await nc.close();
      }
    },
    120_000,
  );

  it('refuses bad flags naming them', () => {
    const r = runCli(['run', '--ticks', 'ten', '--json'], { env: { KUSH_HOME: home() } });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--ticks: must be an integer');
  });
});
