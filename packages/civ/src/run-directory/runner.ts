// Runs, replays and forks simulations against run directories.
import { canonicalJson, type EventEnvelopeV1 } from '@kush/contracts';
import { ENGINE_VERSION, Simulation, SimulationFailure, type SimulationOptions, type TickMetrics, type TickResult } from '../engine.js';
import { wallClockMs, elapsedMs } from '../wall-clock.js';
import {
  RunWriter,
  nearestSnapshot,
  readEvents,
  readHeader,
  readTickHashes,
  restoreSimulation,
  type RunHeader,
  type RunRecord,
} from './run-directory.js';

export interface RunSummary {
  run_id: string;
  ticks: number;
  final_state_hash: string;
  event_count: number;
  out_dir: string;
  status: 'succeeded' | 'failed';
  error_code?: string;
  metrics?: TickMetrics;
}

export interface RunHooks {
  /** Called after each tick with its events (what `kush run` publishes). */
  onTick?: (result: TickResult, sim: Simulation) => void | Promise<void>;
  onStart?: (events: EventEnvelopeV1[], sim: Simulation) => void | Promise<void>;
}

/** Runs a simulation to completion into a run directory; a failure still writes its record. */
export async function runToDirectory(
  sim: Simulation,
  dir: string,
  hooks: RunHooks = {},
  forkedFrom?: RunHeader['forked_from'],
): Promise<RunSummary> {
  const started = wallClockMs();
  const header: RunHeader = {
    run_id: sim.runId,
    scenario: sim.scenario,
    seed: sim.seed,
    ticks: sim.ticks,
    event_level: sim.eventLevel,
    policy_bundle_id: sim.policyBundleId,
    engine_version: ENGINE_VERSION,
    ...(forkedFrom ? { forked_from: forkedFrom } : {}),
  };
  const writer = new RunWriter(dir, header);
  if (sim.tick === 0) {
    const start = sim.startEvents();
    writer.writeEvents(start);
    await hooks.onStart?.(start, sim);
    writer.snapshot(sim);
  } else {
    // A fork starts mid-run: its own starting snapshot lets replay verify it without the original.
    writer.snapshot(sim);
  }
  try {
    while (!sim.done) {
      const result = sim.step();
      writer.writeEvents(result.events);
      writer.writeTick(result);
      if (sim.tick % sim.scenario.snapshot_every === 0) writer.snapshot(sim);
      await hooks.onTick?.(result, sim);
    }
  } catch (error) {
    if (!(error instanceof SimulationFailure)) throw error;
    writer.writeEvents([error.failedEvent]);
    await writer.finish({
      run_id: sim.runId,
      status: 'failed',
      error_code: error.code,
      error_message: error.message,
      ticks_executed: sim.tick,
      final_state_hash: null,
    });
    return {
      run_id: sim.runId,
      ticks: sim.tick,
      final_state_hash: sim.stateHash(),
      event_count: writer.eventCount,
      out_dir: dir,
      status: 'failed',
      error_code: error.code,
    };
  }
  const completed = sim.completionEvents(elapsedMs(started));
  writer.writeEvents(completed);
  const finalHash = sim.stateHash();
  const record: RunRecord = await writer.finish({
    run_id: sim.runId,
    status: 'succeeded',
    error_code: null,
    error_message: null,
    ticks_executed: sim.tick,
    final_state_hash: finalHash,
  });
  return {
    run_id: sim.runId,
    ticks: sim.tick,
    final_state_hash: finalHash,
    event_count: record.event_count,
    out_dir: dir,
    status: 'succeeded',
    ...(sim.lastMetrics ? { metrics: sim.lastMetrics } : {}),
  };
}

export function simulationFromHeader(header: RunHeader, extra: Partial<SimulationOptions> = {}): Simulation {
  return new Simulation({
    scenario: header.scenario,
    seed: header.seed,
    ticks: header.ticks,
    runId: header.run_id,
    eventLevel: header.event_level,
    ...extra,
  });
}

export interface ReplayReport {
  ok: boolean;
  ticks_verified: number;
  events_verified: number;
  first_divergence?: { tick: number; phase: string; expected: string; actual: string; kind: 'state_hash' | 'event' };
}

/** Events compared without their wall-clock fields. */
function comparable(e: EventEnvelopeV1): string {
  const payload = { ...e.payload };
  delete payload['duration_ms'];
  return canonicalJson({ ...e, payload });
}

/** Re-executes a run from its header and compares every tick hash and every event. */
export async function replayVerify(dir: string): Promise<ReplayReport> {
  const header = readHeader(dir);
  const hashes = readTickHashes(dir);
  // A fork re-executes from its own starting snapshot (written by runToDirectory); a run from tick 0.
  const forkStart = header.forked_from ? nearestSnapshot(dir, header.forked_from.at_tick) : undefined;
  if (header.forked_from && forkStart?.tick !== header.forked_from.at_tick)
    throw new Error(`forked_from.at_tick: no starting snapshot for tick ${header.forked_from.at_tick} in ${dir}`);
  const sim = forkStart ? restoreSimulation(header, forkStart.file, { runId: header.run_id }) : simulationFromHeader(header);
  const recorded = readEvents(dir);
  let eventsVerified = 0;
  const nextRecorded = async (): Promise<EventEnvelopeV1 | undefined> => {
    const r = await recorded.next();
    return r.done ? undefined : r.value;
  };
  const compareEvents = async (events: EventEnvelopeV1[], tick: number): Promise<ReplayReport['first_divergence']> => {
    for (const e of events) {
      const r = await nextRecorded();
      if (!r || comparable(r) !== comparable(e)) {
        return {
          tick,
          phase: 'events',
          kind: 'event',
          expected: r ? `${r.event_type} ${r.event_id}` : '(end of log)',
          actual: `${e.event_type} ${e.event_id}`,
        };
      }
      eventsVerified++;
    }
    return undefined;
  };
  let divergence = forkStart ? undefined : await compareEvents(sim.startEvents(), 0);
  let ticks = 0;
  for (const expected of hashes) {
    if (divergence) break;
    const result = sim.step();
    if (result.stateHash !== expected.state_hash) {
      const phase = result.phaseHashes.find((p, i) => p.state_hash !== expected.phase_hashes[i]?.state_hash) ?? {
        phase: 'tick',
        state_hash: result.stateHash,
      };
      const recordedPhase = expected.phase_hashes.find((p) => p.phase === phase.phase);
      divergence = {
        tick: result.tick,
        phase: phase.phase,
        kind: 'state_hash',
        expected: recordedPhase?.state_hash ?? expected.state_hash,
        actual: phase.state_hash,
      };
      break;
    }
    divergence = await compareEvents(result.events, result.tick);
    ticks++;
  }
  return {
    ok: !divergence,
    ticks_verified: ticks,
    events_verified: eventsVerified,
    ...(divergence ? { first_divergence: divergence } : {}),
  };
}

/** Starts a new run from the snapshot nearest to `atTick` of an existing run. */
export async function forkRun(
  dir: string,
  options: { atTick: number; seed?: number; ticks?: number; outDir: string; runId: string },
  hooks: RunHooks = {},
): Promise<RunSummary & { forked_from_tick: number }> {
  const header = readHeader(dir);
  const snapshot = nearestSnapshot(dir, options.atTick);
  if (!snapshot) throw new Error(`--at-tick: no snapshot at or before tick ${options.atTick} in ${dir}`);
  // Restore the nearest snapshot, replay forward to the fork tick on the original seed, then branch.
  const sim = restoreSimulation(header, snapshot.file, { ticks: options.ticks ?? header.ticks, runId: options.runId });
  while (sim.tick < options.atTick) sim.step();
  const branch =
    options.seed !== undefined && options.seed !== header.seed
      ? new Simulation(
          {
            scenario: header.scenario,
            seed: options.seed,
            ticks: options.ticks ?? header.ticks,
            runId: options.runId,
            eventLevel: header.event_level,
          },
          { world: sim.world, tick: sim.tick, streams: {}, policy: sim.policy, bundle: sim.policyBundleId },
        )
      : sim;
  const summary = await runToDirectory(branch, options.outDir, hooks, { run_dir: dir, run_id: header.run_id, at_tick: options.atTick });
  return { ...summary, forked_from_tick: options.atTick };
}

/** The state at any tick: nearest snapshot, then replay forward (CIV-0500 seek). */
export function seek(dir: string, tick: number): Simulation {
  const header = readHeader(dir);
  const snapshot = nearestSnapshot(dir, tick);
  if (!snapshot) throw new Error(`tick: no snapshot at or before ${tick}`);
  const sim = restoreSimulation(header, snapshot.file);
  while (sim.tick < tick && !sim.done) sim.step();
  return sim;
}
