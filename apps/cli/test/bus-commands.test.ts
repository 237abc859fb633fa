// `kush bus ...`, run from the built CLI on a fresh data directory.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEnvelope, deterministicUuid, exampleEnvelope } from '@kush/contracts';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const home = mkdtempSync(join(tmpdir(), 'kush-bus-cli-'));
const env = { KUSH_HOME: home, KUSH_BUS_URL: '', KUSH_DATABASE_URL: '' };
const types = ['civ.economy.market_cleared.v1', 'civ.energy.generated.v1', 'venture.task.completed.v1'];
const lines = Array.from({ length: 12 }, (_, i) =>
  JSON.stringify(
    createEnvelope({
      ...exampleEnvelope(types[i % 3]!)!,
      event_id: deterministicUuid('bus-cli', String(i)),
      replay_token: undefined as unknown as string,
    }),
  ),
);
const good = join(home, 'good.jsonl');
writeFileSync(good, `${lines.join('\n')}\n`);
const broken = join(home, 'broken.jsonl');
writeFileSync(broken, `${[...lines.map((l) => l.replace('bus-cli', 'x')), '{"event_type": "civ.nope.v1"}'].join('\n')}\n`);
const total = (): number => (JSON.parse(runCli(['bus', 'stats', '--json'], { env }).stdout) as { total: number }).total;

describe('kush bus', () => {
  it('publishes a file once, counts a re-publish as duplicates, refuses a file with one broken envelope, exports and verifies', () => {
    const first = runCli(['bus', 'publish', good, '--json'], { env });
    expect(first.status).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ accepted: 12, duplicates: 0, rejected: 0 });
    const again = runCli(['bus', 'publish', good], { env });
    expect(again.stdout).toContain('0 accepted, 12 duplicate, 0 rejected');
    expect(total()).toBe(12);

    const refused = runCli(['bus', 'publish', broken], { env });
    expect(refused.status).toBe(1);
    expect(refused.stdout).toContain('line 13');
    expect(total()).toBe(12);

    const tail = runCli(['bus', 'tail', '--filter', 'venture.task.>'], { env });
    expect(tail.stdout.trim().split('\n')).toHaveLength(4);

    const out = join(home, 'export');
    const exported = runCli(['bus', 'export', '--day', '2026-02-21', '--out', out, '--json'], { env });
    expect(JSON.parse(exported.stdout)).toMatchObject({ status: 'success', error_code: null });
    const manifest = (JSON.parse(exported.stdout) as { manifest_path: string }).manifest_path;
    expect(runCli(['bus', 'verify', manifest], { env }).status).toBe(0);
  });
});
