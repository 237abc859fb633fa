// `kush audit verify` and `kush compliance cases|case|violations`: the compliance machine's records.
import {
  auditedWorkspaces,
  complianceSummary,
  getCase,
  listCases,
  listViolations,
  migrateCompliance,
  verifyAuditLog,
  type ComplianceTables,
} from '@kush/compliance';
import { WORKSPACE_ID_PATTERN } from '@kush/contracts';
import type { Command } from 'commander';
import { CliError, EXIT_FAILURE, usageError } from '../cli-error.js';
import { bad, good, heading, printJson, printLine, printTable, type JsonOption } from '../output.js';
import { withStorage } from '../storage.js';

interface WorkspaceOption extends JsonOption {
  workspace?: string;
}

const workspaceRegExp = new RegExp(WORKSPACE_ID_PATTERN);

function workspaceOf(options: WorkspaceOption): string {
  const workspace = options.workspace ?? 'default';
  if (!workspaceRegExp.test(workspace)) throw usageError('--workspace', `must match ${WORKSPACE_ID_PATTERN}`);
  return workspace;
}

export function registerComplianceCommands(program: Command): void {
  program
    .command('audit')
    .description('The audit log: a hash chain per workspace')
    .command('verify')
    .description('Check every audit chain (or one workspace) for altered, inserted, removed or truncated entries; exit 1 on any')
    .option('--workspace <id>', 'only this workspace')
    .option('--json', 'print a JSON report')
    .action(async (options: WorkspaceOption) =>
      withStorage<ComplianceTables, void>(async (database) => {
        await migrateCompliance(database as never);
        const workspaces = options.workspace ? [workspaceOf(options)] : await auditedWorkspaces(database.db);
        const reports = [];
        for (const workspace of workspaces) reports.push({ workspace, ...(await verifyAuditLog(database.db, workspace)) });
        const ok = reports.every((r) => r.ok);
        if (options.json) printJson({ ok, workspaces: reports });
        else {
          if (reports.length === 0) printLine('no audit log yet (run `kush run` first)');
          for (const r of reports) {
            printLine(`${r.ok ? good('ok') : bad('BROKEN')}  ${r.workspace}: ${r.entries} entries, head ${r.head_hash.slice(0, 16)}`);
            for (const p of r.problems) printLine(`    ${bad(p.kind)} at seq ${p.seq}: ${p.message}`);
          }
        }
        if (!ok) process.exitCode = EXIT_FAILURE;
      }),
    );

  const compliance = program.command('compliance').description('Compliance cases, their evidence chains, and violations');

  compliance
    .command('cases')
    .description('List the compliance cases of a workspace')
    .option('--workspace <id>', 'workspace', 'default')
    .option('--json', 'print JSON')
    .action(async (options: WorkspaceOption) =>
      withStorage<ComplianceTables, void>(async (database) => {
        await migrateCompliance(database as never);
        const workspace = workspaceOf(options);
        const cases = await listCases(database.db, workspace);
        const summary = await complianceSummary(database.db, workspace);
        if (options.json) return printJson({ workspace, summary, cases });
        printLine(
          heading(`${workspace}: ${summary.cases_open} open, ${summary.cases_closed} closed cases; ${summary.violations} violations`),
        );
        for (const c of cases)
          printLine(
            `  ${c.case_id}  ${c.case_type.padEnd(26)} ${c.status.padEnd(6)} ${String(c.evidence_count).padStart(4)} evidence  ${c.subject_id}`,
          );
      }),
    );

  compliance
    .command('case')
    .description('Show one case with its evidence chain')
    .argument('<case_id>', 'case id (UUID)')
    .option('--workspace <id>', 'workspace', 'default')
    .option('--json', 'print JSON')
    .action(async (caseId: string, options: WorkspaceOption) =>
      withStorage<ComplianceTables, void>(async (database) => {
        await migrateCompliance(database as never);
        const found = await getCase(database.db, workspaceOf(options), caseId);
        if (!found)
          throw new CliError(
            `case_id: no case ${caseId} in workspace ${workspaceOf(options)}; see \`kush compliance cases\``,
            EXIT_FAILURE,
            'NOT_FOUND',
          );
        if (options.json) return printJson(found);
        printLine(heading(`${found.case_type} case ${found.case_id} (${found.status})`));
        printTable([
          ['subject', found.subject_id],
          ['workflow', found.workflow_id],
          ['opened', found.opened_at],
          ['closed', found.closed_at ?? '-'],
          ['finding', found.finding ?? '-'],
        ]);
        for (const e of found.evidence)
          printLine(
            `  ${String(e.position).padStart(4)}  ${e.added_at}  ${e.evidence_type.padEnd(26)} ${e.event_type_reference}  ${e.event_id_reference}`,
          );
      }),
    );

  compliance
    .command('violations')
    .description('List the violations recorded in a workspace')
    .option('--workspace <id>', 'workspace', 'default')
    .option('--json', 'print JSON')
    .action(async (options: WorkspaceOption) =>
      withStorage<ComplianceTables, void>(async (database) => {
        await migrateCompliance(database as never);
        const violations = await listViolations(database.db, workspaceOf(options));
        if (options.json) return printJson({ workspace: workspaceOf(options), violations });
        printLine(heading(`${violations.length} violations`));
        for (const v of violations)
          printLine(`  ${v.detected_at}  ${v.severity_level.padEnd(8)} ${v.violation_type.padEnd(30)} ${v.remediation_action}`);
      }),
    );
}
