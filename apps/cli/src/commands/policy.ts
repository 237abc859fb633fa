// `kush policy publish|eval|rollback|list`: policy bundles, versioned and content-hashed.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { parseYamlText } from '@kush/control';
import { CliError, EXIT_FAILURE, usageError } from '../cli-error.js';
import { parseIntegerFlag, printJson, printLine } from '../output.js';
import { orFail, withControl, workspaceFlag, type WorkspaceFlag } from './workflow.js';

async function readDocument(file: string, what: string): Promise<unknown> {
  const text = await readFile(file, 'utf8').catch(() => {
    throw new CliError(`${what}: ${file} does not exist or cannot be read`, EXIT_FAILURE, 'FILE_NOT_FOUND');
  });
  return orFail(parseYamlText(text, what));
}

export function registerPolicyCommands(program: Command): void {
  const policy = program.command('policy').description('Policy bundles: publish (versioned, content-hashed), evaluate, roll back');

  policy
    .command('publish')
    .description('Publish a bundle file (YAML or JSON: name, default_decision, rules); same content = same version')
    .argument('<file>', 'bundle file, e.g. examples/policies/guard.yaml')
    .option('--workspace <id>', 'workspace (default: default)')
    .option('--json', 'print JSON')
    .action(async (file: string, options: WorkspaceFlag) => {
      const workspace = workspaceFlag(options.workspace) ?? 'default';
      const content = await readDocument(file, 'file');
      await withControl(async (runtime) => {
        const published = orFail(await runtime.plane.policies.publish(workspace, content));
        if (options.json) printJson({ ok: true, workspace, ...published });
        else
          printLine(
            `${published.created ? 'published' : 'unchanged'} ${published.bundle_id} (sha256 ${published.content_hash.slice(0, 16)})`,
          );
      });
    });

  policy
    .command('eval')
    .description('Evaluate a context under a bundle; prints the decision and its supporting facts')
    .argument('<bundle>', 'bundle name (its active version) or name@version')
    .option('--context <json>', 'context as a JSON object, e.g. \'{"role":"analyst","tool":"deploy"}\'')
    .option('--context-file <file>', 'context from a YAML/JSON file')
    .option('--workspace <id>', 'workspace (default: default)')
    .option('--json', 'print JSON')
    .action(async (bundle: string, options: WorkspaceFlag & { context?: string; contextFile?: string }) => {
      const workspace = workspaceFlag(options.workspace) ?? 'default';
      let context: unknown = {};
      if (options.context !== undefined) {
        try {
          context = JSON.parse(options.context) as unknown;
        } catch {
          throw usageError('--context', 'must be a JSON object');
        }
      } else if (options.contextFile) context = await readDocument(options.contextFile, '--context-file');
      if (!context || typeof context !== 'object' || Array.isArray(context)) throw usageError('--context', 'must be a JSON object');
      await withControl(async (runtime) => {
        const decision = orFail(await runtime.plane.policies.evaluate(workspace, bundle, context as Record<string, unknown>));
        if (options.json)
          printJson({
            ok: true,
            bundle_id: decision.bundle_id,
            decision: decision.decision,
            supporting_facts: decision.supporting_facts,
            decision_id: decision.events[1]?.payload['decision_id'],
          });
        else {
          printLine(`${decision.bundle_id}: ${decision.decision}`);
          for (const f of decision.supporting_facts) printLine(`  ${f.rule_id}: ${f.fact}`);
        }
      });
    });

  policy
    .command('rollback')
    .description('Revoke the active version of a bundle (or every version above --to) and restore the previous one')
    .argument('<name>', 'bundle name')
    .option('--to <version>', 'version to restore')
    .option('--workspace <id>', 'workspace (default: default)')
    .option('--json', 'print JSON')
    .action(async (name: string, options: WorkspaceFlag & { to?: string }) => {
      const workspace = workspaceFlag(options.workspace) ?? 'default';
      const to = parseIntegerFlag('--to', options.to, { min: 1, max: 999_999_999 });
      await withControl(async (runtime) => {
        const result = orFail(
          await runtime.plane.policies.rollback(workspace, name, {
            toVersion: to,
            runningWorkflows: (ids) => runtime.plane.records.runningPinnedTo(workspace, ids),
          }),
        );
        if (options.json)
          printJson({ ok: true, revoked: result.revoked, restored: result.restored, affected_workflows: result.affected_workflows });
        else
          printLine(
            `revoked ${result.revoked.join(', ')}; ${result.restored} is active (${result.affected_workflows.length} running workflow(s) pinned to a revoked version)`,
          );
      });
    });

  policy
    .command('list')
    .description('Bundles of a workspace, every version')
    .option('--workspace <id>', 'workspace (default: default)')
    .option('--json', 'print JSON')
    .action(async (options: WorkspaceFlag) => {
      const workspace = workspaceFlag(options.workspace) ?? 'default';
      await withControl(async (runtime) => {
        const rows = (await runtime.plane.policies.list(workspace)).map(({ content: _c, ...r }) => r);
        if (options.json) printJson({ ok: true, workspace, bundles: rows });
        else
          for (const r of rows)
            printLine(`${r.bundle_id.padEnd(24)} ${r.status.padEnd(10)} sha256 ${r.content_hash.slice(0, 16)}  ${r.published_at}`);
      });
    });
}
