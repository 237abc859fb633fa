// `kush apikey create` and `kush serve` as a user runs them: the key printed once opens its own
// workspace over real HTTP and no other.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { KUSH_BIN, runCli } from './run-cli.js';

describe('kush apikey and kush serve', () => {
  const home = mkdtempSync(join(tmpdir(), 'kush-server-'));
  const env = { KUSH_HOME: home, KUSH_DATABASE_URL: '', KUSH_BUS_URL: '' };

  it('creates a key once and refuses a bad role naming the flag', () => {
    const result = runCli(['apikey', 'create', '--workspace', 'alpha', '--role', 'analyst', '--json'], { env });
    expect(result.status, result.stderr).toBe(0);
    const created = JSON.parse(result.stdout) as { key: string; workspace_id: string; role: string };
    expect(created.key).toMatch(/^kush_[A-Za-z0-9_-]{43}$/);
    expect(created).toMatchObject({ workspace_id: 'alpha', role: 'analyst' });
    const bad = runCli(['apikey', 'create', '--workspace', 'alpha', '--role', 'king'], { env });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--role');
  });

  it('serves the API with the key scoped to its workspace', async () => {
    const created = JSON.parse(runCli(['apikey', 'create', '--workspace', 'alpha', '--role', 'engineer', '--json'], { env }).stdout) as {
      key: string;
    };
    const child = spawn(process.execPath, [KUSH_BIN, 'serve', '--port', '0', '--json'], {
      env: { ...process.env, ...env, NO_COLOR: '1', KUSH_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
      const { url } = JSON.parse(chunk.toString('utf8')) as { url: string };
      const headers = { authorization: `Bearer ${created.key}` };
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      expect((await fetch(`${url}/api/v1/workspaces/alpha/compliance/cases`)).status).toBe(401);
      expect((await fetch(`${url}/api/v1/workspaces/alpha/compliance/cases`, { headers })).status).toBe(200);
      expect((await fetch(`${url}/api/v1/workspaces/beta/compliance/cases`, { headers })).status).toBe(403);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
