// `kush workspace create|list|archive`: the tenants of the control plane.
import type { Command } from 'commander';
import { usageError } from '../cli-error.js';
import { printJson, printLine, type JsonOption } from '../output.js';
import { orFail, withControl } from './workflow.js';

/** `12.5` EAU -> 12,500,000 uEAU; at most six decimals, never a float in the result. */
export function parseEau(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const m = /^(\d{1,12})(?:\.(\d{1,6}))?$/.exec(raw.trim());
  if (!m) throw usageError(flag, `must be an amount of EAU with at most 6 decimals, e.g. 250 or 0.5 (got ${JSON.stringify(raw)})`);
  return Number(m[1]) * 1_000_000 + Number((m[2] ?? '').padEnd(6, '0'));
}

export function registerWorkspaceCommands(program: Command): void {
  const workspace = program
    .command('workspace')
    .description('Workspaces (tenants): every workflow, event, bundle, user and budget belongs to one');

  workspace
    .command('create')
    .description('Create a workspace with its default policy bundle and a budget')
    .argument('<id>', 'workspace id: lower-case letters, digits and dashes')
    .option('--name <text>', 'display name')
    .option('--budget-eau <amount>', 'budget in EAU (default 1000)')
    .option('--json', 'print JSON')
    .action(async (id: string, options: JsonOption & { name?: string; budgetEau?: string }) => {
      const budget = parseEau('--budget-eau', options.budgetEau);
      await withControl(async (runtime) => {
        const created = orFail(await runtime.createWorkspace(id, { display_name: options.name, budget_ueau: budget }));
        const b = await runtime.budgets.budget(id);
        if (options.json) printJson({ ok: true, ...created, budget_ueau: b?.limit_ueau ?? 0 });
        else printLine(`workspace ${id} created (bundle ${created.default_bundle_id}, budget ${(b?.limit_ueau ?? 0) / 1_000_000} EAU)`);
      });
    });

  workspace
    .command('list')
    .description('List workspaces')
    .option('--all', 'include archived workspaces')
    .option('--json', 'print JSON')
    .action(async (options: JsonOption & { all?: boolean }) => {
      await withControl(async (runtime) => {
        const rows = await runtime.plane.workspaces.list({ include_archived: options.all === true });
        const list = [];
        for (const r of rows) list.push({ ...r, budget: (await runtime.budgets.budget(r.workspace_id)) ?? null });
        if (options.json) printJson({ ok: true, workspaces: list });
        else
          for (const r of list)
            printLine(
              `${r.workspace_id.padEnd(24)} ${r.status.padEnd(9)} ${r.display_name}${r.budget ? `  (spent ${r.budget.spent_ueau / 1e6} of ${r.budget.limit_ueau / 1e6} EAU)` : ''}`,
            );
      });
    });

  workspace
    .command('archive')
    .description('Archive a workspace with no running workflows; it keeps its history and starts nothing new')
    .argument('<id>', 'workspace id')
    .option('--json', 'print JSON')
    .action(async (id: string, options: JsonOption) => {
      await withControl(async (runtime) => {
        const row = orFail(await runtime.plane.workspaces.archive(id));
        if (options.json) printJson({ ok: true, workspace: row });
        else printLine(`workspace ${id} archived`);
      });
    });
}
