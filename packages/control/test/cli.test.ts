// The kush commands of the control plane, run as a user runs them (built CLI, embedded storage).
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../..');
const KUSH_BIN = join(ROOT, 'apps/cli/bin/kush.js');

function kush(home: string, args: string[]): { status: number | null; json: Record<string, unknown>; stderr: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, KUSH_HOME: home, NO_COLOR: '1' };
  delete env['KUSH_BUS_URL'];
  delete env['KUSH_DATABASE_URL'];
  const r = spawnSync(process.execPath, [KUSH_BIN, ...args, '--json'], { cwd: ROOT, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, json: JSON.parse(r.stdout.trim().split('\n').at(-1) || '{}') as Record<string, unknown>, stderr: r.stderr };
}

describe('kush workflow, policy, workspace and user commands (embedded)', () => {
  it('runs the fan-out example to completion and reads its status back from the log', () => {
    const home = mkdtempSync(join(tmpdir(), 'kush-cli-'));
    const run = kush(home, ['workflow', 'run', 'examples/workflows/fan-out.yaml']);
    expect(run.status).toBe(0);
    expect(run.json).toMatchObject({
      ok: true,
      mode: 'embedded',
      status: 'completed',
      task_count: 102,
      tasks_by_status: { completed: 102 },
      violations: 0,
    });
    const status = kush(home, ['workflow', 'status', run.json['workflow_id'] as string]);
    expect(status.status).toBe(0);
    expect(status.json).toMatchObject({ status: 'completed', tasks_by_status: { completed: 102 }, event_count: run.json['event_count'] });
    const other = kush(home, ['workflow', 'status', run.json['workflow_id'] as string, '--workspace', 'acme']);
    expect(other.status).toBe(1);
    expect(other.json).toMatchObject({ ok: false, error: { code: 'UNKNOWN_WORKFLOW' } });
  });

  it('refuses a tool outside the role allowlist: exit 1, the violation in the events', () => {
    const home = mkdtempSync(join(tmpdir(), 'kush-cli-'));
    const run = kush(home, ['workflow', 'run', 'examples/workflows/tool-outside-allowlist.yaml']);
    expect(run.status).toBe(1);
    expect(run.json).toMatchObject({ ok: false, status: 'failed', error_code: 'TOOL_DENIED', violations: 1 });
    expect(run.json['violation_events']).toEqual([
      expect.objectContaining({ event_type: 'venture.compliance.violation_detected.v1', violation_type: 'tool_misuse' }),
    ]);
  });

  it('manages workspaces, users and policy bundles', () => {
    const home = mkdtempSync(join(tmpdir(), 'kush-cli-'));
    expect(kush(home, ['workspace', 'create', 'acme', '--budget-eau', '2.5']).json).toMatchObject({
      ok: true,
      workspace_id: 'acme',
      budget_ueau: 2_500_000,
    });
    expect(kush(home, ['workspace', 'create', 'Bad_Id']).status).toBe(1);
    const onboard = kush(home, ['user', 'onboard', 'ada', '--role', 'analyst', '--budget-eau', '1', '--workspace', 'acme']);
    expect(onboard.json).toMatchObject({
      ok: true,
      user: { user_id: 'ada', capability_tier: 'tier_2_standard', initial_budget_ueau: 1_000_000 },
    });
    expect(kush(home, ['user', 'onboard', 'bob', '--role', 'analyst', '--budget-eau', '5', '--workspace', 'acme']).json).toMatchObject({
      ok: false,
      error: { code: 'BUDGET_EXCEEDED' },
    });
    expect((kush(home, ['user', 'list', '--workspace', 'acme']).json['users'] as unknown[]).length).toBe(1);
    expect(kush(home, ['user', 'offboard', 'ada', '--reason', 'contract_ended', '--workspace', 'acme']).json).toMatchObject({
      disposal: { action: 'returned_to_workspace', amount: 1_000_000 },
    });
    const published = kush(home, ['policy', 'publish', 'examples/policies/guard.yaml']);
    expect(published.json).toMatchObject({ ok: true, bundle_id: 'guard@1', created: true });
    const evaluated = kush(home, ['policy', 'eval', 'guard', '--context', '{"role":"analyst","category":"deployment","cost_ueau":250000}']);
    expect(evaluated.json).toMatchObject({ decision: 'deny', supporting_facts: [{ rule_id: 'only-engineers-deploy' }] });
    expect(kush(home, ['policy', 'rollback', 'guard']).json).toMatchObject({ ok: false, error: { code: 'NOTHING_TO_ROLL_BACK' } });
    expect(kush(home, ['workspace', 'archive', 'acme']).json).toMatchObject({ ok: true });
    expect((kush(home, ['workspace', 'list']).json['workspaces'] as { workspace_id: string }[]).map((w) => w.workspace_id)).toEqual([
      'default',
    ]);
  });
});
