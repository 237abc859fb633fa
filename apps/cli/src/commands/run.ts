// `kush run`: what `npm start` runs. The whole system in one process on embedded storage (or on
// PostgreSQL with --database-url), with a progress bar and a summary a person can read.
import { join } from 'node:path';
import { writeFileSync, mkdirSync } from 'node:fs';
import type { Command } from 'commander';
import { CliError, EXIT_FAILURE, usageError } from '../cli-error.js';
import { runIntegrated } from '../integrated-run.js';
import { good, bad, heading, parseIntegerFlag, printJson, printLine, printTable, type JsonOption } from '../output.js';
import { cliConfig, openStorage } from '../storage.js';
import { loadScenario, tickProgress } from './sim.js';

interface RunOptions extends JsonOption {
  scenario: string;
  ticks: string;
  seed: string;
  workspace: string;
  budgetEau: string;
  feedbackLoop?: boolean;
  databaseUrl?: string;
  busUrl?: string;
  serve?: boolean;
}

export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('Run the whole system: the simulation, the relay (flows A-E), treasury, compliance; print a summary')
    .option('--scenario <name|file>', 'scenario', 'medium')
    .option('--ticks <n>', 'ticks', '120')
    .option('--seed <n>', 'seed', '42')
    .option('--workspace <id>', 'Venture workspace (tenant)', 'default')
    .option('--budget-eau <n>', 'EAU budget of the workspace for the run (flow E charges energy to it)', '1000')
    .option('--feedback-loop', "taxonomy 3.3: over budget, tighten the simulation's energy rationing")
    .option('--database-url <url>', 'postgres://... (default: embedded SQLite in $KUSH_HOME)')
    .option('--bus-url <url>', 'nats://... to publish on NATS JetStream (default: KUSH_BUS_URL, else the embedded bus)')
    .option('--no-serve', 'exit when done (serving the dashboard is not built yet, so this is the behaviour either way)')
    .option('--json', 'print the summary as one JSON object')
    .action(async (options: RunOptions) => {
      if (options.busUrl && !/^nats:\/\//.test(options.busUrl)) throw usageError('--bus-url', 'must start with nats://');
      const scenario = loadScenario(options.scenario);
      const ticks = parseIntegerFlag('--ticks', options.ticks, { min: 1, max: 1_000_000 })!;
      const seed = parseIntegerFlag('--seed', options.seed)!;
      const budgetEau = parseIntegerFlag('--budget-eau', options.budgetEau, { min: 0, max: 1_000_000_000 })!;
      if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(options.workspace))
        throw usageError('--workspace', 'must be lower-case letters, digits and dashes');
      if (options.databaseUrl && !/^postgres(ql)?:\/\//.test(options.databaseUrl))
        throw usageError('--database-url', 'must start with postgres://');
      const config = cliConfig();
      const database = await openStorage({ ...config, databaseUrl: options.databaseUrl ?? config.databaseUrl });
      const progress = tickProgress(options, ticks, `${scenario.name}`);
      try {
        const summary = await runIntegrated(database, {
          scenario,
          seed,
          ticks,
          workspace: options.workspace,
          budgetUeau: budgetEau * 1_000_000,
          feedbackLoop: options.feedbackLoop ?? false,
          onTick: (tick) => progress.update(tick + 1),
          busUrl: options.busUrl ?? config.busUrl,
          natsPrefix: process.env['KUSH_NATS_PREFIX'],
        });
        progress.stop();
        const recordDir = join(config.home, 'run-records');
        mkdirSync(recordDir, { recursive: true });
        writeFileSync(join(recordDir, `${summary.run_id}.json`), `${JSON.stringify({ status: 'succeeded', ...summary }, null, 2)}\n`);
        if (options.json) return printJson(summary);
        printLine(heading(`Kush run ${summary.run_id}: ${scenario.name}, ${summary.ticks} ticks, seed ${seed}`));
        const m = summary.metrics;
        printTable([
          ['population', m?.population ?? '-'],
          ['employed', m?.employed ?? '-'],
          ['output (mJ, last tick)', m?.output_mj ?? '-'],
          [
            'prices (labor/goods/capital/energy)',
            m ? `${m.prices['labor']}/${m.prices['goods']}/${m.prices['capital']}/${m.prices['energy']}` : '-',
          ],
          ['energy supply / demand (mJ)', m ? `${m.energy_supply_mj} / ${m.energy_demand_mj}` : '-'],
          ['gini', m?.gini ?? '-'],
          ['final state hash', summary.final_state_hash],
          ['events (bus, workspace)', summary.event_count],
          ['ledger transactions', summary.ledger_transactions],
          [
            'ledger totals per unit',
            Object.entries(summary.ledger_totals)
              .map(([u, t]) => `${u} ${t}`)
              .join(', '),
          ],
          ['ledger drift', summary.ledger_drift === 0 ? good('0 (matched)') : bad(`${summary.ledger_drift} mJ`)],
          ['compliance cases', `${summary.cases_open} open, ${summary.cases_closed} closed`],
          ['violations', summary.violations],
          ['audit chain', summary.audit_chain_ok ? good(`${summary.audit_entries} entries, intact`) : bad('BROKEN')],
          [
            'budget used',
            `${(summary.budget_used_ueau / 1e6).toFixed(2)} of ${(summary.budget_limit_ueau / 1e6).toFixed(0)} EAU${summary.budget_exceeded_ticks ? `, exceeded in ${summary.budget_exceeded_ticks} ticks` : ''}`,
          ],
          ['venture state hash', summary.venture_state_hash],
        ]);
        printLine(`Data in ${config.home}. Next: npx kush compliance cases, npx kush audit verify, npx kush sim run --help`);
        if (summary.ledger_drift !== 0 || !summary.audit_chain_ok) process.exitCode = EXIT_FAILURE;
      } catch (error) {
        progress.stop();
        if (error instanceof CliError) throw error;
        throw new CliError(`the run failed: ${(error as Error).message}`, EXIT_FAILURE, 'RUN_FAILED');
      } finally {
        await database.close();
      }
    });
}
