// The `kush` command tree. Each area registers its commands from commands/<area>.ts.
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { registerApikeyCommands } from './commands/apikey.js';
import { registerBusCommands } from './commands/bus.js';
import { registerComplianceCommands } from './commands/compliance.js';
import { registerLedgerCommands } from './commands/ledger.js';
import { registerTreasuryIntentCommands } from './commands/treasury-intents.js';
import { registerRunCommand } from './commands/run.js';
import { registerSchemaCommands } from './commands/schemas.js';
import { registerServeCommand } from './commands/serve.js';
import { registerSimCommands } from './commands/sim.js';
import { registerValidateCommand } from './commands/validate.js';
import { registerPolicyCommands } from './commands/policy.js';
import { registerUserCommands } from './commands/user.js';
import { registerWorkerCommand } from './commands/worker.js';
import { registerWorkflowCommands } from './commands/workflow.js';
import { registerWorkspaceCommands } from './commands/workspace.js';

export const CLI_VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string })
  .version;

export function buildProgram(): Command {
  const program = new Command('kush')
    .description(
      'Kush: a deterministic civilization simulation (CIV) joined to a governed control plane for autonomous agents (Venture)\n' +
        'through versioned event contracts and an event bus. Data lives in .kush/ unless KUSH_HOME says otherwise.',
    )
    .version(CLI_VERSION, '-V, --version', 'print the version')
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ sortSubcommands: true });

  registerApikeyCommands(program);
  registerBusCommands(program);
  registerComplianceCommands(program);
  registerLedgerCommands(program);
  registerTreasuryIntentCommands(program);
  registerRunCommand(program);
  registerSchemaCommands(program);
  registerServeCommand(program);
  registerSimCommands(program);
  registerValidateCommand(program);
  registerWorkflowCommands(program);
  registerWorkerCommand(program);
  registerPolicyCommands(program);
  registerWorkspaceCommands(program);
  registerUserCommands(program);
  return program;
}
