// A run directory: header.json (what the run was asked to do), events.jsonl.gz (the event log),
// hashes.jsonl (per-tick state and phase hashes), snapshots/, and run-record.json, written on
// success and on failure (seeds/004's run records).
import { createWriteStream, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { createGunzip, createGzip } from 'node:zlib';
import { createInterface } from 'node:readline';
import { createReadStream } from 'node:fs';
import type { EventEnvelopeV1 } from '@kush/contracts';
import { ENGINE_VERSION, Simulation, type TickResult } from '../engine.js';
import type { EventLevel } from '../ledger.js';
import type { Scenario } from '../scenario.js';
import { decodeSnapshot, encodeSnapshot } from './snapshot.js';

export interface RunHeader {
  run_id: string;
  scenario: Scenario;
  seed: number;
  ticks: number;
  event_level: EventLevel;
  policy_bundle_id: string;
  engine_version: string;
  /** For a fork: the run and tick it branched from. */
  forked_from?: { run_dir: string; run_id: string; at_tick: number };
}

export interface TickHashRecord {
  tick: number;
  state_hash: string;
  phase_hashes: Array<{ phase: string; state_hash: string }>;
  event_count: number;
}

export interface RunRecord {
  run_id: string;
  status: 'succeeded' | 'failed';
  error_code: string | null;
  error_message: string | null;
  ticks_executed: number;
  final_state_hash: string | null;
  event_count: number;
  event_counts: Record<string, number>;
  outputs: string[];
  engine_version: string;
  schema_versions: Record<string, string>;
}

export class RunWriter {
  readonly #events: ReturnType<typeof createGzip>;
  readonly #eventsFile: WriteStream;
  readonly #hashes: string[] = [];
  readonly counts: Record<string, number> = {};
  eventCount = 0;

  constructor(
    readonly dir: string,
    readonly header: RunHeader,
  ) {
    mkdirSync(join(dir, 'snapshots'), { recursive: true });
    writeFileSync(join(dir, 'header.json'), `${JSON.stringify(header, null, 2)}\n`);
    this.#eventsFile = createWriteStream(join(dir, 'events.jsonl.gz'));
    this.#events = createGzip();
    this.#events.pipe(this.#eventsFile);
  }

  writeEvents(events: readonly EventEnvelopeV1[]): void {
    if (events.length === 0) return;
    let text = '';
    for (const e of events) {
      text += `${JSON.stringify(e)}\n`;
      this.counts[e.event_type] = (this.counts[e.event_type] ?? 0) + 1;
    }
    this.eventCount += events.length;
    this.#events.write(text);
  }

  writeTick(result: TickResult): void {
    this.#hashes.push(
      JSON.stringify({
        tick: result.tick,
        state_hash: result.stateHash,
        phase_hashes: result.phaseHashes,
        event_count: result.events.length,
      }),
    );
  }

  snapshot(sim: Simulation): void {
    const streams = Object.fromEntries(Object.entries(sim.streams).map(([k, s]) => [k, s.position()]));
    const bytes = encodeSnapshot(sim.world, {
      tick: sim.tick,
      state_hash: sim.stateHash(),
      streams,
      policy: sim.policy,
      bundle: sim.policyBundleId,
    });
    writeFileSync(join(this.dir, 'snapshots', `tick-${String(sim.tick).padStart(8, '0')}.json.gz`), bytes);
  }

  async finish(
    record: Omit<RunRecord, 'event_count' | 'event_counts' | 'outputs' | 'engine_version' | 'schema_versions'>,
  ): Promise<RunRecord> {
    writeFileSync(join(this.dir, 'hashes.jsonl'), this.#hashes.length ? `${this.#hashes.join('\n')}\n` : '');
    await new Promise<void>((resolve, reject) => {
      this.#eventsFile.once('finish', resolve);
      this.#eventsFile.once('error', reject);
      this.#events.end();
    });
    const full: RunRecord = {
      ...record,
      event_count: this.eventCount,
      event_counts: Object.fromEntries(Object.entries(this.counts).sort(([a], [b]) => a.localeCompare(b))),
      outputs: ['header.json', 'events.jsonl.gz', 'hashes.jsonl', 'snapshots/', 'run-record.json'],
      engine_version: ENGINE_VERSION,
      schema_versions: Object.fromEntries(
        Object.keys(this.counts)
          .sort()
          .map((t) => [t, '1.0.0']),
      ),
    };
    writeFileSync(join(this.dir, 'run-record.json'), `${JSON.stringify(full, null, 2)}\n`);
    return full;
  }
}

export function readHeader(dir: string): RunHeader {
  const file = join(dir, 'header.json');
  if (!existsSync(file)) throw new Error(`run directory: ${dir} has no header.json (is it a run directory?)`);
  return JSON.parse(readFileSync(file, 'utf8')) as RunHeader;
}

export function readRunRecord(dir: string): RunRecord | undefined {
  const file = join(dir, 'run-record.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as RunRecord) : undefined;
}

export function readTickHashes(dir: string): TickHashRecord[] {
  const file = join(dir, 'hashes.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as TickHashRecord);
}

/** Streams the event log back, one envelope at a time. */
export async function* readEvents(dir: string): AsyncGenerator<EventEnvelopeV1> {
  const lines = createInterface({ input: createReadStream(join(dir, 'events.jsonl.gz')).pipe(createGunzip()), crlfDelay: Infinity });
  for await (const line of lines) if (line.length > 0) yield JSON.parse(line) as EventEnvelopeV1;
}

/** The snapshot at or before a tick. */
export function nearestSnapshot(dir: string, tick: number): { tick: number; file: string } | undefined {
  const snapDir = join(dir, 'snapshots');
  if (!existsSync(snapDir)) return undefined;
  let best: { tick: number; file: string } | undefined;
  for (const name of readdirSync(snapDir)) {
    const m = /^tick-(\d+)\.json\.gz$/.exec(name);
    if (!m) continue;
    const t = Number(m[1]);
    if (t <= tick && (!best || t > best.tick)) best = { tick: t, file: join(snapDir, name) };
  }
  return best;
}

/** A simulation restored from a snapshot file, ready to run on from its tick. */
export function restoreSimulation(
  header: RunHeader,
  snapshotFile: string,
  overrides: { seed?: number; ticks?: number; runId?: string } = {},
): Simulation {
  const { world, meta } = decodeSnapshot(readFileSync(snapshotFile));
  // A new seed re-keys every stream from the fork tick on; the same seed resumes exactly.
  const streams = overrides.seed === undefined || overrides.seed === header.seed ? meta.streams : {};
  return new Simulation(
    {
      scenario: header.scenario,
      seed: overrides.seed ?? header.seed,
      ticks: overrides.ticks ?? header.ticks,
      runId: overrides.runId ?? header.run_id,
      eventLevel: header.event_level,
    },
    { world, tick: meta.tick, streams, policy: meta.policy, bundle: meta.bundle },
  );
}
