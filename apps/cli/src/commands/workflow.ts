// `kush workflow run|status|list`: Track C workflows. Embedded runs (no KUSH_BUS_URL) carry their
// workers in this process; distributed runs publish tasks to JetStream for `kush worker`s.
import { readFile } from 'node:fs/promises';
import { WORKSPACE_ID_PATTERN } from '@kush/contracts';
import {
  ChatCompletionAgent,
  chatConfigFromEnv,
  openControlRuntime,
  RuleBasedAgent,
  type AgentPolicy,
  type ControlIssue,
  type ControlRuntime,
  type Refusable,
  type WorkflowStatusReport,
} from '@kush/control';
import { createLogger } from '@kush/runtime';
import type { Command } from 'commander';
import { CliError, EXIT_FAILURE, usageError } from '../cli-error.js';
import { bad, dim, good, heading, parseIntegerFlag, printJson, printLine, printTable, type JsonOption } from '../output.js';
import { cliConfig, openStorage } from '../storage.js';

export const WORKER_CONCURRENCY_DEFAULT = 16;
const workspaceRegExp = new RegExp(WORKSPACE_ID_PATTERN);

export interface WorkspaceFlag extends JsonOption {
  workspace?: string;
}

export function workspaceFlag(raw: string | undefined): string | undefined {
  if (raw !== undefined && !workspaceRegExp.test(raw)) throw usageError('--workspace', `must match ${WORKSPACE_ID_PATTERN}`);
  return raw;
}

/** Opens storage and the control plane (embedded or distributed, per configuration), runs, closes. */
export async function withControl<T>(work: (runtime: ControlRuntime) => Promise<T>): Promise<T> {
  const config = cliConfig();
  const database = await openStorage<unknown>(config);
  let runtime: ControlRuntime | undefined;
  try {
    const ackWait = process.env['KUSH_CONTROL_ACK_WAIT_MS'];
    runtime = await openControlRuntime({
      database,
      busUrl: config.busUrl,
      // Stream names and the redelivery deadline; tests give each run its own streams.
      streamPrefix: process.env['KUSH_CONTROL_STREAM_PREFIX'] || undefined,
      ackWaitMs: ackWait ? parseIntegerFlag('KUSH_CONTROL_ACK_WAIT_MS', ackWait, { min: 100, max: 3_600_000 }) : undefined,
      logger: createLogger('control'),
    });
    return await work(runtime);
  } finally {
    await runtime?.close();
    await database.close();
  }
}

/** The value of a control result, or a CliError naming every issue (exit 1: the input was wrong). */
export function orFail<T>(result: Refusable<T>): T {
  if (result.ok) return result.value;
  const issues: readonly ControlIssue[] = result.issues;
  throw new CliError(issues.map((i) => i.message).join('\n'), EXIT_FAILURE, issues[0]?.code ?? 'REFUSED', { issues });
}

export function agentFlag(raw: string | undefined): AgentPolicy {
  if (raw === undefined || raw === 'rule_based') return new RuleBasedAgent();
  if (raw !== 'chat_completion') throw usageError('--agent', 'must be rule_based or chat_completion');
  const config = chatConfigFromEnv();
  if (typeof config === 'string') throw new CliError(config, 2, 'INVALID_CONFIGURATION');
  return new ChatCompletionAgent(config);
}

const eau = (ueau: number): string => `${(ueau / 1_000_000).toFixed(6).replace(/\.?0+$/, '')} EAU`;

function printReport(report: WorkflowStatusReport, showTasks: boolean): void {
  const status = report.status === 'completed' ? good(report.status) : report.status === 'failed' ? bad(report.status) : report.status;
  printLine(`${heading(`workflow ${report.name}`)} ${dim(report.workflow_id)}: ${status}`);
  printTable([
    ['workspace', report.workspace_id],
    ['policy bundle', report.policy_bundle_id],
    [
      'tasks',
      `${report.task_count} (${Object.entries(report.tasks_by_status)
        .map(([s, n]) => `${n} ${s}`)
        .join(', ')})`,
    ],
    ['cost', eau(report.actual_eau_cost)],
    ['events', report.event_count],
    ['violations', report.violations],
    ['budget refusals', report.budget_refusals],
    ['policy drifts', report.policy_drifts],
    ...(report.error_code ? ([['error', `${report.error_code}: ${report.error_message ?? ''}`]] as const) : []),
  ]);
  if (showTasks || report.task_count <= 20) {
    for (const t of report.tasks.slice(0, 200)) {
      printLine(
        `    ${t.key.padEnd(24)} ${t.status.padEnd(10)} attempt ${t.attempt}  ${eau(t.actual_eau_cost)}${t.error_code ? `  ${bad(t.error_code)}` : ''}${t.compensated ? '  (compensated)' : ''}`,
      );
    }
  }
}

interface RunOptions extends WorkspaceFlag {
  policyBundle?: string;
  workers?: string;
  concurrency?: string;
  agent?: string;
  tasks?: boolean;
}

export function registerWorkflowCommands(program: Command): void {
  const workflow = program
    .command('workflow')
    .description('Track C workflows: DAGs of tasks carried out by agents through allowlisted, budgeted tools');

  workflow
    .command('run')
    .description('Run a workflow file (YAML or JSON) to its end; exit 1 if it fails')
    .argument('<file>', 'workflow file, e.g. examples/workflows/fan-out.yaml')
    .option('--workspace <id>', "workspace (default: the file's, else default)")
    .option('--policy-bundle <ref>', "policy bundle name or name@version (default: the file's, else default)")
    .option('--workers <n>', 'in-process workers (default 1 embedded, 0 with KUSH_BUS_URL: use `kush worker`)')
    .option('--concurrency <n>', `tasks per in-process worker at once (default ${WORKER_CONCURRENCY_DEFAULT})`)
    .option(
      '--agent <kind>',
      'agent of the in-process workers: rule_based (default) or chat_completion (KUSH_AGENT_URL, KUSH_AGENT_API_KEY, KUSH_AGENT_MODEL)',
    )
    .option('--tasks', 'list every task')
    .option('--json', 'print a JSON report')
    .action(async (file: string, options: RunOptions) => {
      const workspace = workspaceFlag(options.workspace);
      const concurrency = parseIntegerFlag('--concurrency', options.concurrency, { min: 1, max: 1024 }) ?? WORKER_CONCURRENCY_DEFAULT;
      const workersFlag = parseIntegerFlag('--workers', options.workers, { min: 0, max: 64 });
      const agent = agentFlag(options.agent);
      const text = await readFile(file, 'utf8').catch(() => {
        throw new CliError(`file: ${file} does not exist or cannot be read`, EXIT_FAILURE, 'FILE_NOT_FOUND');
      });
      await withControl(async (runtime) => {
        const workers = workersFlag ?? (runtime.mode === 'embedded' ? 1 : 0);
        if (runtime.mode === 'embedded' && workers === 0)
          throw usageError('--workers', 'must be at least 1 without KUSH_BUS_URL (nothing else would run the tasks)');
        if (workers > 0) await runtime.plane.startWorkers(workers, concurrency, agent);
        if (!options.json && workers === 0) process.stderr.write('waiting for `kush worker` processes to run the tasks...\n');
        const started = performance.now();
        const { plan } = orFail(await runtime.plane.run(text, { workspace_id: workspace, policy_bundle: options.policyBundle }));
        const seconds = (performance.now() - started) / 1000;
        const report = orFail(await runtime.plane.status(plan.workspace_id, plan.workflow_id));
        const violations: unknown[] = [];
        for await (const e of runtime.plane.options.log.read(plan.workspace_id, plan.workflow_id)) {
          if (e.event_type === 'venture.compliance.violation_detected.v1' || e.event_type === 'venture.budget.exceeded.v1')
            violations.push({ event_type: e.event_type, event_id: e.event_id, ...e.payload });
        }
        if (options.json) {
          const { tasks, ...summary } = report;
          printJson({
            ok: report.status === 'completed',
            mode: runtime.mode,
            ...summary,
            seconds,
            tasks_per_second: report.task_count / seconds,
            violation_events: violations,
            ...(options.tasks ? { tasks } : {}),
          });
        } else {
          printReport(report, options.tasks === true);
          printLine(
            dim(
              `${report.task_count} tasks in ${seconds.toFixed(2)} s (${Math.round(report.task_count / seconds)} tasks/s, ${runtime.mode})`,
            ),
          );
          for (const v of violations) printLine(`  ${bad('violation')} ${JSON.stringify(v)}`);
        }
        if (report.status !== 'completed') process.exitCode = EXIT_FAILURE;
      });
    });

  workflow
    .command('status')
    .description('Status of a workflow, rebuilt from its events')
    .argument('<workflow-id>', 'workflow id (printed by `kush workflow run`)')
    .option('--workspace <id>', 'workspace (default: default)')
    .option('--tasks', 'list every task')
    .option('--json', 'print a JSON report')
    .action(async (workflowId: string, options: WorkspaceFlag & { tasks?: boolean }) => {
      const workspace = workspaceFlag(options.workspace) ?? 'default';
      await withControl(async (runtime) => {
        const report = orFail(await runtime.plane.status(workspace, workflowId));
        if (options.json) printJson({ ok: true, ...report });
        else printReport(report, options.tasks === true);
      });
    });

  workflow
    .command('resume')
    .description('Take over a workflow whose `kush workflow run` stopped (crash, Ctrl-C) and run it to its end')
    .argument('<workflow-id>', 'workflow id')
    .option('--workspace <id>', 'workspace (default: default)')
    .option('--workers <n>', 'in-process workers (default 1 embedded, 0 with KUSH_BUS_URL)')
    .option('--concurrency <n>', `tasks per in-process worker at once (default ${WORKER_CONCURRENCY_DEFAULT})`)
    .option('--json', 'print a JSON report')
    .action(async (workflowId: string, options: WorkspaceFlag & { workers?: string; concurrency?: string }) => {
      const workspace = workspaceFlag(options.workspace) ?? 'default';
      const concurrency = parseIntegerFlag('--concurrency', options.concurrency, { min: 1, max: 1024 }) ?? WORKER_CONCURRENCY_DEFAULT;
      const workersFlag = parseIntegerFlag('--workers', options.workers, { min: 0, max: 64 });
      await withControl(async (runtime) => {
        const workers = workersFlag ?? (runtime.mode === 'embedded' ? 1 : 0);
        if (workers > 0) await runtime.plane.startWorkers(workers, concurrency);
        orFail(await runtime.plane.resume(workspace, workflowId));
        const report = orFail(await runtime.plane.status(workspace, workflowId));
        if (options.json) printJson({ ok: report.status === 'completed', ...report });
        else printReport(report, false);
        if (report.status !== 'completed') process.exitCode = EXIT_FAILURE;
      });
    });

  workflow
    .command('list')
    .description('Workflows of a workspace, newest first')
    .option('--workspace <id>', 'workspace (default: default)')
    .option('--json', 'print a JSON list')
    .action(async (options: WorkspaceFlag) => {
      const workspace = workspaceFlag(options.workspace) ?? 'default';
      await withControl(async (runtime) => {
        const rows = await runtime.plane.records.list(workspace);
        const list = rows.map(({ file: _file, ...r }) => r);
        if (options.json) printJson({ ok: true, workspace, workflows: list });
        else if (list.length === 0) printLine(`no workflows in ${workspace}`);
        else for (const r of list) printLine(`${r.workflow_id}  ${r.status.padEnd(12)} ${r.name} (${r.task_count} tasks, ${r.created_at})`);
      });
    });
}
