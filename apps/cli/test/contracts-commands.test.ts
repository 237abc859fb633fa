// `kush schemas ...` and `kush validate`, run from the built CLI.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'kush-cli-'));

describe('kush schemas', () => {
  it('lists 75 types as JSON', () => {
    const r = runCli(['schemas', 'list', '--json']);
    expect(r.status).toBe(0);
    const list = JSON.parse(r.stdout) as Array<{ event_type: string; schema_version: string; deprecated: boolean }>;
    expect(list).toHaveLength(75);
    expect(list[0]).toMatchObject({ event_type: 'civ.run.started.v1', schema_version: '1.0.0', deprecated: false });
  });

  it('lists them for a person', () => {
    const r = runCli(['schemas', 'list']);
    expect(r.stdout).toContain('75 event types (38 civ, 37 venture)');
  });

  it('shows a JSON Schema', () => {
    const r = runCli(['schemas', 'show', 'civ.energy.balance.v1']);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).required).toContain('conservation_check_passed');
    expect(JSON.parse(runCli(['schemas', 'show', 'EventEnvelopeV1']).stdout).title).toBe('EventEnvelopeV1');
  });

  it('names an unknown type and exits 1', () => {
    const r = runCli(['schemas', 'example', 'civ.nothing.here.v1']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('event_type: civ.nothing.here.v1 is not a registered event type');
  });

  it('prints examples that all pass `kush validate`', () => {
    const types = (JSON.parse(runCli(['schemas', 'list', '--json']).stdout) as Array<{ event_type: string }>).map((e) => e.event_type);
    const lines = types.map((t) => {
      const r = runCli(['schemas', 'example', t]);
      expect(r.status).toBe(0);
      expect(r.stdout.trim().split('\n')).toHaveLength(1);
      return r.stdout.trim();
    });
    const file = join(tmp, 'examples.jsonl');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const r = runCli(['validate', file, '--json']);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ lines: 75, valid: 75, invalid: 0 });
  }, 120_000);
});

describe('kush validate', () => {
  const good = JSON.parse(runCli(['schemas', 'example', 'civ.economy.market_cleared.v1']).stdout) as Record<string, unknown>;
  const broken = { ...good, payload: { ...(good['payload'] as object), clearing_efficiency: 2 } };
  const mixed = [
    JSON.stringify(good),
    JSON.stringify(broken),
    '',
    '{not json',
    JSON.stringify({ ...good, extra: 1 }),
    JSON.stringify(good),
  ].join('\n');

  it('names each broken line and exits 1', () => {
    const file = join(tmp, 'mixed.jsonl');
    writeFileSync(file, mixed);
    const r = runCli(['validate', file]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('line 2: payload.clearing_efficiency: must be <= 1');
    expect(r.stdout).toContain('line 4: (line): not valid JSON');
    expect(r.stdout).toContain('line 5: extra: is not a field of this schema');
    expect(r.stdout).toContain('5 envelopes: 2 valid, 3 invalid');
  });

  it('reads standard input and reports JSON', () => {
    const r = runCli(['validate', '-', '--json'], { input: mixed });
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ lines: 5, valid: 2, invalid: 3 });
    expect(report.errors.map((e: { line: number }) => e.line)).toEqual([2, 4, 5]);
  });

  it('exits 0 on a valid file', () => {
    const r = runCli(['validate', '-'], { input: `${JSON.stringify(good)}\n` });
    expect(r.status).toBe(0);
  });

  it('says when the file does not exist', () => {
    const r = runCli(['validate', join(tmp, 'absent.jsonl')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('does not exist');
  });
});

describe('kush', () => {
  it('prints its version and help', () => {
    expect(runCli(['--version']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const help = runCli(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('schemas');
    expect(help.stdout).toContain('validate');
  });

  it('refuses an unknown command with a usage exit code', () => {
    const r = runCli(['frobnicate']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("unknown command 'frobnicate'");
  });
});
