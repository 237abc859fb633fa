// `kush sim run|replay|inspect|fork`: the simulation on its own, with run directories.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  BUILT_IN_SCENARIOS,
  Simulation,
  defaultRunId,
  forkRun,
  readEvents,
  readHeader,
  readRunRecord,
  replayVerify,
  runToDirectory,
  validateScenario,
  type EventLevel,
  type Scenario,
} from '@kush/civ';
import { deterministicUuid } from '@kush/contracts';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { CliError, EXIT_FAILURE, usageError } from '../cli-error.js';
import { bad, good, heading, parseIntegerFlag, printJson, printLine, printTable, progressWanted, type JsonOption } from '../output.js';
import { cliConfig } from '../storage.js';

export function loadScenario(nameOrFile: string): Scenario {
  const builtIn = BUILT_IN_SCENARIOS[nameOrFile];
  if (builtIn) return builtIn;
  const path = resolve(nameOrFile);
  if (!existsSync(path)) {
    throw usageError(
      '--scenario',
      `${nameOrFile} is neither a built-in scenario (${Object.keys(BUILT_IN_SCENARIOS).join(', ')}) nor a file`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new CliError(`--scenario: ${nameOrFile} is not valid JSON (${(error as Error).message})`, EXIT_FAILURE, 'INVALID_SCENARIO');
  }
  const result = validateScenario(parsed);
  if (!result.ok) {
    throw new CliError(
      `scenario ${nameOrFile} is invalid:\n${result.issues.map((i) => `  ${i.message}`).join('\n')}`,
      EXIT_FAILURE,
      'INVALID_SCENARIO',
      result.issues,
    );
  }
  return result.value;
}

export function eventLevelFlag(raw: string | undefined): EventLevel {
  const level = raw ?? 'summary';
  if (level !== 'summary' && level !== 'full') throw usageError('--events', 'must be summary or full');
  return level;
}

/** A progress bar on stderr for a person at a terminal; nothing otherwise. */
/** The <dir> argument, refused as a usage error (exit 2) unless it holds a run's header.json. */
function runDirectoryArg(dir: string): string {
  const full = resolve(dir);
  if (!existsSync(join(full, 'header.json'))) throw usageError('<dir>', `${dir} is not a run directory (no header.json)`);
  return full;
}

export function tickProgress(options: JsonOption, total: number, label: string): { update: (tick: number) => void; stop: () => void } {
  if (!progressWanted(options)) return { update: () => {}, stop: () => {} };
  const bar = new SingleBar({
    format: `${label} [{bar}] {value}/{total} ticks | {eta_formatted} left`,
    stream: process.stderr,
    hideCursor: true,
  });
  bar.start(total, 0);
  return { update: (tick) => bar.update(tick), stop: () => bar.stop() };
}

interface RunOptions extends JsonOption {
  scenario: string;
  ticks: string;
  seed: string;
  events?: string;
  out?: string;
  runId?: string;
  paranoid?: boolean;
}

export function registerSimCommands(program: Command): void {
  const sim = program.command('sim').description('The CIV simulation on its own: run, replay-verify, inspect and fork run directories');

  sim
    .command('run')
    .description('Run a scenario deterministically into a run directory')
    .requiredOption('--scenario <name|file>', `built-in (${Object.keys(BUILT_IN_SCENARIOS).join(', ')}) or a scenario JSON file`)
    .option('--ticks <n>', 'ticks to run', '50')
    .option('--seed <n>', 'simulation seed', '42')
    .option('--events <level>', 'summary or full', 'summary')
    .option('--out <dir>', 'run directory (default: $KUSH_HOME/runs/<run_id>)')
    .option('--run-id <uuid>', 'run id (default: derived from scenario, seed and ticks)')
    .option('--paranoid', 'after every phase, reload the state and compare hashes')
    .option('--json', 'print one JSON object')
    .action(async (options: RunOptions) => {
      const scenario = loadScenario(options.scenario);
      const ticks = parseIntegerFlag('--ticks', options.ticks, { min: 1, max: 10_000_000 })!;
      const seed = parseIntegerFlag('--seed', options.seed)!;
      const eventLevel = eventLevelFlag(options.events);
      const runId = options.runId ?? defaultRunId(scenario, seed, ticks);
      const out = resolve(options.out ?? join(cliConfig().home, 'runs', runId));
      const simulation = new Simulation({ scenario, seed, ticks, runId, eventLevel, paranoid: options.paranoid ?? false });
      const progress = tickProgress(options, ticks, scenario.name);
      const summary = await runToDirectory(simulation, out, { onTick: (r) => progress.update(r.tick + 1) });
      progress.stop();
      if (options.json) printJson(summary);
      else {
        printLine(heading(`${scenario.name}: ${summary.status} after ${summary.ticks} ticks`));
        printTable([
          ['run id', summary.run_id],
          ['events', summary.event_count],
          ['final state hash', summary.final_state_hash],
          ['run directory', summary.out_dir],
          ...(summary.metrics
            ? ([
                ['population', summary.metrics.population],
                ['employed', summary.metrics.employed],
                ['output (mJ/tick)', summary.metrics.output_mj],
                ['gini', summary.metrics.gini],
              ] as Array<[string, number]>)
            : []),
        ]);
      }
      if (summary.status === 'failed')
        throw new CliError(
          `the run failed with ${summary.error_code}; see ${join(out, 'run-record.json')}`,
          EXIT_FAILURE,
          summary.error_code ?? 'RUN_FAILED',
        );
    });

  sim
    .command('replay')
    .description('Re-execute a run from its header and compare every tick hash and event')
    .argument('<run_dir>', 'a run directory')
    .option('--verify', 'compare with the recorded run (the default and only mode)')
    .option('--json', 'print one JSON object')
    .action(async (dir: string, options: JsonOption) => {
      const report = await replayVerify(runDirectoryArg(dir));
      if (options.json) printJson(report);
      else if (report.ok) printLine(good(`identical: ${report.ticks_verified} ticks and ${report.events_verified} events match`));
      else {
        const d = report.first_divergence!;
        printLine(bad(`diverged at tick ${d.tick}, phase ${d.phase} (${d.kind}): expected ${d.expected}, got ${d.actual}`));
      }
      if (!report.ok) process.exitCode = EXIT_FAILURE;
    });

  sim
    .command('inspect')
    .description('Show a run: header, final hash and event counts per type')
    .argument('<run_dir>', 'a run directory')
    .option('--json', 'print one JSON object')
    .action(async (dir: string, options: JsonOption) => {
      const header = readHeader(runDirectoryArg(dir));
      const record = readRunRecord(resolve(dir));
      let eventCounts = record?.event_counts;
      if (!eventCounts) {
        eventCounts = {};
        for await (const e of readEvents(resolve(dir))) eventCounts[e.event_type] = (eventCounts[e.event_type] ?? 0) + 1;
      }
      const report = {
        run_id: header.run_id,
        scenario: header.scenario.name,
        seed: header.seed,
        ticks: header.ticks,
        event_level: header.event_level,
        policy_bundle_id: header.policy_bundle_id,
        engine_version: header.engine_version,
        status: record?.status ?? 'incomplete',
        final_state_hash: record?.final_state_hash ?? null,
        event_count: Object.values(eventCounts).reduce((a, b) => a + b, 0),
        event_counts: eventCounts,
        ...(header.forked_from ? { forked_from: header.forked_from } : {}),
      };
      if (options.json) return printJson(report);
      printLine(heading(`run ${report.run_id} (${report.status})`));
      printTable([
        ['scenario', report.scenario],
        ['seed', report.seed],
        ['ticks', report.ticks],
        ['final state hash', report.final_state_hash ?? '-'],
        ['events', report.event_count],
      ]);
      for (const [type, n] of Object.entries(eventCounts)) printLine(`    ${type.padEnd(44)} ${n}`);
    });

  sim
    .command('fork')
    .description("Start a new run from a run's state at a tick (same hashes up to it; a new seed branches)")
    .argument('<run_dir>', 'a run directory')
    .requiredOption('--at-tick <t>', 'tick to branch at')
    .option('--seed <n>', 'new seed from the fork tick on')
    .option('--ticks <n>', 'run to this tick (default: the original run length)')
    .option('--out <dir>', 'run directory of the fork')
    .option('--json', 'print one JSON object')
    .action(async (dir: string, options: JsonOption & { atTick: string; seed?: string; ticks?: string; out?: string }) => {
      const header = readHeader(runDirectoryArg(dir));
      const atTick = parseIntegerFlag('--at-tick', options.atTick, { min: 0, max: header.ticks })!;
      const seed = parseIntegerFlag('--seed', options.seed);
      const ticks = parseIntegerFlag('--ticks', options.ticks, { min: atTick, max: 10_000_000 }) ?? header.ticks;
      const runId = deterministicUuid('civ.fork', header.run_id, atTick, seed ?? header.seed, ticks);
      const out = resolve(options.out ?? join(cliConfig().home, 'runs', runId));
      const progress = tickProgress(options, ticks, 'fork');
      const summary = await forkRun(
        resolve(dir),
        { atTick, ...(seed !== undefined ? { seed } : {}), ticks, outDir: out, runId },
        { onTick: (r) => progress.update(r.tick + 1) },
      );
      progress.stop();
      if (options.json) printJson(summary);
      else
        printLine(
          `fork of ${header.run_id} at tick ${atTick}: ${summary.status}, final state hash ${summary.final_state_hash}, in ${summary.out_dir}`,
        );
      if (summary.status === 'failed') process.exitCode = EXIT_FAILURE;
    });
}
