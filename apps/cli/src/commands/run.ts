// `kush run`: what `npm start` runs. Until the simulation and the pipeline are wired in, it
// reports the contracts the system speaks.
import { CIV_EVENT_TYPES, VENTURE_EVENT_TYPES, defaultRegistry } from '@kush/contracts';
import type { Command } from 'commander';
import { heading, printJson, printLine, printTable, type JsonOption } from '../output.js';

export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('Run the whole system on embedded defaults and print a summary')
    .option('--json', 'print the summary as one JSON object')
    .action((options: JsonOption) => {
      const summary = {
        event_types: defaultRegistry.list().length,
        civ_event_types: CIV_EVENT_TYPES.length,
        venture_event_types: VENTURE_EVENT_TYPES.length,
      };
      if (options.json) return printJson(summary);
      printLine(heading('Kush contracts'));
      printTable([
        ['event types', summary.event_types],
        ['civ', summary.civ_event_types],
        ['venture', summary.venture_event_types],
      ]);
      printLine('Try: npx kush schemas list, npx kush schemas example civ.economy.market_cleared.v1 | npx kush validate -');
    });
}
