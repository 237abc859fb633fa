// `kush sim fork|inspect` and scenario files, run as a user would (packages/civ/test covers run,
// replay and flags across processes).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BUILT_IN_SCENARIOS } from '@kush/civ';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const home = mkdtempSync(join(tmpdir(), 'kush-sim-'));
const env = { KUSH_HOME: home };
const json = (args: string[]) => {
  const r = runCli(args, { env });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Record<string, unknown>;
};

describe('kush sim', () => {
  const first = json(['sim', 'run', '--scenario', 'small', '--ticks', '50', '--seed', '42', '--json']);

  it('verifies a replay and forks to the same final hash', () => {
    expect(json(['sim', 'replay', String(first['out_dir']), '--verify', '--json'])).toMatchObject({ ok: true, ticks_verified: 50 });
    expect(json(['sim', 'fork', String(first['out_dir']), '--at-tick', '25', '--json'])['final_state_hash']).toBe(
      first['final_state_hash'],
    );
  });

  it('inspects a run with its event counts', () => {
    const report = json(['sim', 'inspect', String(first['out_dir']), '--json']);
    expect(report['final_state_hash']).toBe(first['final_state_hash']);
    const counts = report['event_counts'] as Record<string, number>;
    expect(counts['civ.tick.completed.v1']).toBe(50);
    expect(counts['civ.run.started.v1']).toBe(1);
    expect(counts['civ.run.completed.v1']).toBe(1);
  });

  it('names each bad field of a scenario file', () => {
    const file = join(home, 'bad-scenario.json');
    writeFileSync(
      file,
      JSON.stringify({
        ...BUILT_IN_SCENARIOS['small'],
        citizens: 0,
        policy: { ...BUILT_IN_SCENARIOS['small']!.policy, income_tax_bp: 20000 },
      }),
    );
    const r = runCli(['sim', 'run', '--scenario', file, '--ticks', '2'], { env });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('citizens: must be >= 1');
    expect(r.stderr).toContain('policy.income_tax_bp: must be <= 10000');
  });

  it('ships scenario files equal to the built-in scenarios', () => {
    for (const [name, scenario] of Object.entries(BUILT_IN_SCENARIOS)) {
      const onDisk = JSON.parse(readFileSync(resolve(import.meta.dirname, `../../../scenarios/${name}.json`), 'utf8'));
      expect(onDisk).toEqual(scenario);
    }
  });
});
