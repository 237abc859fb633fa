// `kush user onboard|offboard|capability|list`: people in a workspace, with a role, a capability
// tier and an EAU budget carved out of the workspace's.
import { AGENT_ROLES, CAPABILITY_TIERS } from '@kush/contracts';
import type { Command } from 'commander';
import { usageError } from '../cli-error.js';
import { printJson, printLine } from '../output.js';
import { orFail, withControl, workspaceFlag, type WorkspaceFlag } from './workflow.js';
import { parseEau } from './workspace.js';

export function registerUserCommands(program: Command): void {
  const user = program
    .command('user')
    .description('Users: onboarding with role, capability tier and budget; capability changes; offboarding');

  user
    .command('onboard')
    .description('Onboard a user into a workspace')
    .argument('<user-id>', 'user id')
    .requiredOption('--role <role>', `one of ${AGENT_ROLES.join(', ')}`)
    .option('--tier <tier>', `capability tier: ${CAPABILITY_TIERS.join(', ')} (default tier_2_standard)`)
    .option('--budget-eau <amount>', 'initial budget in EAU, taken from the workspace budget (default 0)')
    .option('--workspace <id>', 'workspace (default: default)')
    .option('--json', 'print JSON')
    .action(async (userId: string, options: WorkspaceFlag & { role: string; tier?: string; budgetEau?: string }) => {
      const workspace = workspaceFlag(options.workspace) ?? 'default';
      const budget = parseEau('--budget-eau', options.budgetEau) ?? 0;
      await withControl(async (runtime) => {
        const row = orFail(
          await runtime.plane.users.onboard({
            workspace_id: workspace,
            user_id: userId,
            role: options.role,
            capability_tier: options.tier ?? 'tier_2_standard',
            initial_budget_ueau: budget,
          }),
        );
        if (options.json) printJson({ ok: true, user: row });
        else printLine(`user ${userId} onboarded in ${workspace} as ${row.role} (${row.capability_tier}, ${budget / 1e6} EAU)`);
      });
    });

  user
    .command('capability')
    .description("Change a user's capability tier")
    .argument('<user-id>', 'user id')
    .argument('<tier>', CAPABILITY_TIERS.join(', '))
    .requiredOption('--reason <snake_case>', 'why, e.g. promotion')
    .option('--workspace <id>', 'workspace (default: default)')
    .option('--json', 'print JSON')
    .action(async (userId: string, tier: string, options: WorkspaceFlag & { reason: string }) => {
      const workspace = workspaceFlag(options.workspace) ?? 'default';
      await withControl(async (runtime) => {
        const row = orFail(await runtime.plane.users.changeCapability(workspace, userId, tier, options.reason));
        if (options.json) printJson({ ok: true, user: row });
        else printLine(`user ${userId}: capability ${row.capability_tier}`);
      });
    });

  user
    .command('offboard')
    .description('Offboard a user; the unspent budget is returned to the workspace (or forfeited, or transferred)')
    .argument('<user-id>', 'user id')
    .requiredOption('--reason <snake_case>', 'why, e.g. contract_ended')
    .option('--disposal <action>', 'returned_to_workspace (default), forfeited, transferred')
    .option('--recipient <account>', 'account that receives a transferred budget')
    .option('--workspace <id>', 'workspace (default: default)')
    .option('--json', 'print JSON')
    .action(async (userId: string, options: WorkspaceFlag & { reason: string; disposal?: string; recipient?: string }) => {
      const workspace = workspaceFlag(options.workspace) ?? 'default';
      const disposal = options.disposal ?? 'returned_to_workspace';
      if (!['returned_to_workspace', 'forfeited', 'transferred'].includes(disposal))
        throw usageError('--disposal', 'must be returned_to_workspace, forfeited or transferred');
      await withControl(async (runtime) => {
        const result = orFail(
          await runtime.plane.users.offboard(workspace, userId, {
            reason: options.reason,
            disposal: disposal as 'returned_to_workspace',
            recipient_id: options.recipient,
          }),
        );
        if (options.json) printJson({ ok: true, ...result });
        else
          printLine(
            `user ${userId} offboarded; ${result.disposal.amount / 1e6} EAU ${result.disposal.action} (${result.disposal.recipient_id})`,
          );
      });
    });

  user
    .command('list')
    .description('Users of a workspace')
    .option('--all', 'include offboarded users')
    .option('--workspace <id>', 'workspace (default: default)')
    .option('--json', 'print JSON')
    .action(async (options: WorkspaceFlag & { all?: boolean }) => {
      const workspace = workspaceFlag(options.workspace) ?? 'default';
      await withControl(async (runtime) => {
        const rows = await runtime.plane.users.list(workspace, { include_offboarded: options.all === true });
        if (options.json) printJson({ ok: true, workspace, users: rows });
        else if (rows.length === 0) printLine(`no users in ${workspace}`);
        else
          for (const r of rows)
            printLine(
              `${r.user_id.padEnd(24)} ${r.role.padEnd(13)} ${r.capability_tier.padEnd(16)} ${r.status}  ${r.initial_budget_ueau / 1e6} EAU`,
            );
      });
    });
}
