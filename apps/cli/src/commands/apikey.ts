// `kush apikey create`: mints an API key for the HTTP API, scoped to one workspace and role.
// The key is printed once; only its SHA-256 is stored.
import { WORKSPACE_ID_PATTERN } from '@kush/contracts';
import { API_ROLES, createApiKey, isApiRole, migrateServer, type ServerTables } from '@kush/server';
import type { Command } from 'commander';
import { usageError } from '../cli-error.js';
import { printJson, printLine, type JsonOption } from '../output.js';
import { withStorage } from '../storage.js';

interface CreateOptions extends JsonOption {
  workspace: string;
  role: string;
}

export function registerApikeyCommands(program: Command): void {
  program
    .command('apikey')
    .description('API keys for the HTTP API (kush serve)')
    .command('create')
    .description('Create an API key scoped to a workspace and a role; the key is printed once and stored only hashed')
    .requiredOption('--workspace <id>', 'the workspace the key may access')
    .requiredOption('--role <role>', `one of ${API_ROLES.join(', ')}`)
    .option('--json', 'print JSON')
    .action(async (options: CreateOptions) => {
      if (!new RegExp(WORKSPACE_ID_PATTERN).test(options.workspace)) throw usageError('--workspace', `must match ${WORKSPACE_ID_PATTERN}`);
      const role = options.role;
      if (!isApiRole(role)) throw usageError('--role', `must be one of ${API_ROLES.join(', ')}`);
      await withStorage<ServerTables, void>(async (database) => {
        await migrateServer(database as never);
        const created = await createApiKey(database.db, options.workspace, role);
        if (options.json) return printJson(created);
        printLine(`API key for workspace ${created.workspace_id}, role ${created.role} (id ${created.key_id}); shown once:`);
        printLine(created.key);
      });
    });
}
