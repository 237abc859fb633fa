// A broken invariant stops the run with civ.run.failed; the built `kush sim` is deterministic across processes
// and names bad flags. The CLI half runs the built JS (the root `npm test` builds first).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { validateEnvelope } from '@kush/contracts';
import { describe, expect, it } from 'vitest';
import { BUILT_IN_SCENARIOS, Simulation, SimulationFailure, createSimulation, runToDirectory } from '@kush/civ';

const small = BUILT_IN_SCENARIOS['small']!;
const KUSH_BIN = resolve(import.meta.dirname, '../../../apps/cli/bin/kush.js');
const built = existsSync(resolve(import.meta.dirname, '../../../apps/cli/dist/main.js'));

function kush(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [KUSH_BIN, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('a broken invariant', () => {
  it('stops the run with a valid civ.run.failed naming the code and tick', () => {
    const sim = new Simulation({ scenario: small, seed: 1, ticks: 5 });
    sim.step();
    // Value appearing from nowhere: the next tick's energy balance must refuse it.
    sim.world.balances[sim.world.citizenBase] = sim.world.balances[sim.world.citizenBase]! + 7;
    let failure: unknown;
    try {
      sim.step();
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(SimulationFailure);
    const event = (failure as SimulationFailure).failedEvent;
    expect(event.event_type).toBe('civ.run.failed.v1');
    expect(event.payload).toMatchObject({ tick_id_when_failed: 1 });
    expect(validateEnvelope(event).ok).toBe(true);
  });

  it('records a failed run-record.json in the run directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kush-civ-fail-'));
    const sim = new Simulation({ scenario: small, seed: 1, ticks: 5 });
    const summary = await runToDirectory(sim, dir, {
      onTick: (r, s) => {
        if (r.tick === 1) s.world.balances[s.world.citizenBase] = s.world.balances[s.world.citizenBase]! + 7;
      },
    });
    expect(summary.status).toBe('failed');
    const record = JSON.parse(readFileSync(join(dir, 'run-record.json'), 'utf8')) as { status: string; error_code: string };
    expect(record.status).toBe('failed');
    expect(record.error_code).toBe(summary.error_code);
  });
});

describe.skipIf(!built)('kush sim (built CLI)', () => {
  it('gives the same final hash in two processes, another for another seed, and verifies a replay', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kush-civ-cli-'));
    const run = (seed: number, out: string) => {
      const r = kush(['sim', 'run', '--scenario', 'small', '--ticks', '6', '--seed', String(seed), '--out', join(dir, out), '--json']);
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as { run_id: string; final_state_hash: string; event_count: number };
    };
    const a = run(5, 'a');
    const b = run(5, 'b');
    const c = run(6, 'c');
    expect(a.final_state_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(b.final_state_hash).toBe(a.final_state_hash);
    expect(b.run_id).toBe(a.run_id);
    expect(c.final_state_hash).not.toBe(a.final_state_hash);

    const inspect = kush(['sim', 'inspect', join(dir, 'a'), '--json']);
    expect(inspect.status).toBe(0);
    const report = JSON.parse(inspect.stdout) as { final_state_hash: string; event_counts: Record<string, number> };
    expect(report.final_state_hash).toBe(a.final_state_hash);
    expect(report.event_counts['civ.tick.completed.v1']).toBe(6);

    const replay = kush(['sim', 'replay', join(dir, 'a'), '--verify', '--json']);
    expect(replay.status).toBe(0);
    expect(JSON.parse(replay.stdout)).toMatchObject({ ok: true, ticks_verified: 6 });
  }, 60_000);

  it('names the bad flag and exits non-zero', () => {
    const ticks = kush(['sim', 'run', '--scenario', 'small', '--ticks', 'zero', '--json']);
    expect(ticks.status).not.toBe(0);
    expect(ticks.stdout + ticks.stderr).toContain('--ticks');
    const level = kush(['sim', 'run', '--scenario', 'small', '--ticks', '1', '--events', 'loud', '--json']);
    expect(level.status).not.toBe(0);
    expect(level.stdout + level.stderr).toContain('--events');
    const scenario = kush(['sim', 'run', '--scenario', 'nope', '--json']);
    expect(scenario.status).not.toBe(0);
    expect(scenario.stdout + scenario.stderr).toContain('--scenario');
    const dir = kush(['sim', 'inspect', '/nonexistent-run-dir', '--json']);
    expect(dir.status).toBe(2);
    expect(JSON.parse(dir.stdout)).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
  });
});

describe('createSimulation and summary', () => {
  it('reports transfer volume, per-region figures adding up to the population, and the state hash', () => {
    const sim = createSimulation({ scenario: small, seed: 2, ticks: 3 });
    while (!sim.done) sim.step();
    const summary = sim.summary();
    expect(summary.tick).toBe(3);
    expect(summary.final_state_hash).toBe(sim.stateHash());
    expect(summary.metrics!.transfer_volume_mj).toBeGreaterThan(0);
    expect(summary.regions).toHaveLength(small.regions);
    expect(summary.regions.reduce((n, r) => n + r.population, 0)).toBe(small.citizens);
    expect(summary.regions.reduce((n, r) => n + r.employed, 0)).toBe(summary.metrics!.employed);
  });
});
