// Determinism, conservation and event validity of the engine, and run directories.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateEnvelope } from '@kush/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BUILT_IN_SCENARIOS,
  Simulation,
  ledgerTotal,
  replayVerify,
  runToDirectory,
  validateScenario,
  forkRun,
  readTickHashes,
  type Scenario,
} from '@kush/civ';

const small = BUILT_IN_SCENARIOS['small']!;
const finalHash = (scenario: Scenario, seed: number, ticks: number, level: 'summary' | 'full' = 'summary') => {
  const sim = new Simulation({ scenario, seed, ticks, eventLevel: level });
  while (!sim.done) sim.step();
  return sim.stateHash();
};

describe('determinism', () => {
  it.each([1, 42, 1234])('gives the same hash twice for seed %i, and another seed another hash', (seed) => {
    expect(finalHash(small, seed, 15)).toBe(finalHash(small, seed, 15));
    expect(finalHash(small, seed, 15)).not.toBe(finalHash(small, seed + 1, 15));
  });

  it.each(['medium', 'large'])(
    'is deterministic on %s (reduced ticks)',
    (name) => {
      const s = BUILT_IN_SCENARIOS[name]!;
      expect(finalHash(s, 7, 2)).toBe(finalHash(s, 7, 2));
    },
    120_000,
  );

  it('runs the research scenario (a million citizens) deterministically for a tick', () => {
    const s = BUILT_IN_SCENARIOS['research']!;
    expect(finalHash(s, 7, 1)).toBe(finalHash(s, 7, 1));
  }, 240_000);

  it('produces byte-identical events for the same inputs', () => {
    const run = () => {
      const sim = new Simulation({ scenario: small, seed: 3, ticks: 5 });
      const out = [...sim.startEvents()];
      while (!sim.done) out.push(...sim.step().events);
      return out.map((e) => JSON.stringify({ ...e, payload: { ...e.payload, duration_ms: 0 } }));
    };
    expect(run()).toEqual(run());
  });

  it('passes paranoid mode (state reloaded after every phase hashes the same)', () => {
    const sim = new Simulation({ scenario: small, seed: 5, ticks: 3, paranoid: true });
    while (!sim.done) sim.step();
    expect(sim.tick).toBe(3);
  });
});

describe('events', () => {
  it.each(['summary', 'full'] as const)('are valid EventEnvelopeV1 of civ.* types at the %s level', (level) => {
    const sim = new Simulation({ scenario: small, seed: 11, ticks: 6, eventLevel: level });
    const events = [...sim.startEvents()];
    while (!sim.done) events.push(...sim.step().events);
    events.push(...sim.completionEvents(1));
    for (const e of events) {
      const result = validateEnvelope(e);
      expect(result.ok ? [] : result.issues).toEqual([]);
      expect(e.source_system).toBe('civ');
    }
    expect(new Set(events.map((e) => e.event_id)).size).toBe(events.length);
  });

  it('follows the taxonomy phase order within a tick', () => {
    const sim = new Simulation({ scenario: small, seed: 1, ticks: 1 });
    const types = sim.step().events.map((e) => e.event_type);
    expect(types[0]).toBe('civ.tick.started.v1');
    expect(types.at(-1)).toBe('civ.tick.completed.v1');
    const first = (t: string) => types.indexOf(t);
    expect(first('civ.economy.market_cleared.v1')).toBeLessThan(first('civ.economy.transfer_booked.v1'));
    expect(first('civ.energy.generated.v1')).toBeLessThan(first('civ.energy.balance.v1'));
    expect(first('civ.energy.balance.v1')).toBeLessThan(first('civ.citizen.metrics_updated.v1'));
    expect(first('civ.citizen.metrics_updated.v1')).toBeLessThan(first('civ.institution.metrics_updated.v1'));
  });
});

describe('conservation', () => {
  it('keeps the total over all accounts at zero under random policies', () => {
    fc.assert(
      fc.property(
        fc.record({
          income_tax_bp: fc.integer({ min: 0, max: 10_000 }),
          subsidy_bp: fc.integer({ min: 0, max: 10_000 }),
          energy_markup_bp: fc.integer({ min: 0, max: 10_000 }),
          rationing_bp: fc.integer({ min: 0, max: 10_000 }),
        }),
        fc.integer({ min: 0, max: 1000 }),
        (policy, seed) => {
          const scenario = { ...small, citizens: 200, regions: 8, regions_per_institution: 4, policy };
          const sim = new Simulation({ scenario, seed, ticks: 6 });
          while (!sim.done) {
            sim.step();
            expect(ledgerTotal(sim.world)).toBe(0);
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  it('applies commands at the next tick boundary, highest priority last-written wins in order', () => {
    const sim = new Simulation({ scenario: small, seed: 1, ticks: 3 });
    sim.step();
    sim.enqueue({ type: 'set_policy', parameter: 'income_tax_bp', value: 3000, priority: 1 });
    sim.enqueue({ type: 'set_policy', parameter: 'income_tax_bp', value: 2000, priority: 5 });
    expect(sim.policy.income_tax_bp).toBe(small.policy.income_tax_bp);
    const events = sim.step().events;
    expect(sim.policy.income_tax_bp).toBe(3000);
    expect(events.filter((e) => e.event_type === 'civ.policy.applied.v1').map((e) => e.payload['state_delta'])).toEqual([
      { income_tax_bp: 2000 },
      { income_tax_bp: 3000 },
    ]);
  });
});

describe('scenarios', () => {
  it('refuses a bad scenario naming each field', () => {
    const result = validateScenario({ ...small, citizens: -5, regions: 'many', extra: 1 });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues.map((i) => i.path).sort()).toEqual(['citizens', 'extra', 'regions']);
  });

  it('reports a missing field once', () => {
    const { wage_mj: _missing, ...rest } = small;
    const result = validateScenario(rest);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues).toEqual([expect.objectContaining({ path: 'wage_mj', rule: 'required' })]);
  });
});

describe('run directories', () => {
  it('replays identically, catches a divergence naming its tick, and forks to the same hash', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kush-civ-'));
    const sim = new Simulation({ scenario: small, seed: 42, ticks: 12 });
    const summary = await runToDirectory(sim, join(dir, 'a'));
    expect(summary.status).toBe('succeeded');
    expect(await replayVerify(join(dir, 'a'))).toMatchObject({ ok: true, ticks_verified: 12 });
    const fork = await forkRun(join(dir, 'a'), { atTick: 6, outDir: join(dir, 'fork'), runId: '00000000-0000-4000-8000-000000000001' });
    expect(fork.final_state_hash).toBe(summary.final_state_hash);
    const branch = await forkRun(join(dir, 'a'), {
      atTick: 6,
      seed: 99,
      outDir: join(dir, 'branch'),
      runId: '00000000-0000-4000-8000-000000000002',
    });
    expect(branch.final_state_hash).not.toBe(summary.final_state_hash);
    expect(readTickHashes(join(dir, 'branch'))[0]!.tick).toBe(6);
    // A fork replays from its own starting snapshot, whether it kept the seed or branched.
    expect(await replayVerify(join(dir, 'fork'))).toMatchObject({ ok: true, ticks_verified: 6 });
    expect(await replayVerify(join(dir, 'branch'))).toMatchObject({ ok: true, ticks_verified: 6 });

    // Inject a divergence: a run whose tick 8 differs (a tax command) recorded as if it were the original.
    const other = new Simulation({ scenario: small, seed: 42, ticks: 12 });
    await runToDirectory(other, join(dir, 'b'), {
      onTick: (r, s) => (r.tick === 7 ? s.enqueue({ type: 'set_policy', parameter: 'income_tax_bp', value: 9000 }) : undefined),
    });
    const report = await replayVerify(join(dir, 'b'));
    expect(report.ok).toBe(false);
    expect(report.first_divergence).toMatchObject({ tick: 8 });
  }, 60_000);
});
