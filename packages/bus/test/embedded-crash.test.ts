// Crash tests for the embedded adapter in child processes (built dist), killed with SIGKILL.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';

const worker = join(import.meta.dirname, 'crash', 'embedded-worker.mjs');
const dir = mkdtempSync(join(tmpdir(), 'bus-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function start(
  args: string[],
  env: Record<string, string> = {},
): { child: ChildProcess; waitFor(text: string): Promise<string>; exited: Promise<void> } {
  const child = spawn(process.execPath, [worker, ...args], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  let output = '';
  const waiters: { text: string; resolve: (line: string) => void }[] = [];
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    for (const w of [...waiters]) {
      const line = output.split('\n').find((l) => l.includes(w.text));
      if (line) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return {
    child,
    exited,
    waitFor: (text) => {
      const line = output.split('\n').find((l) => l.includes(text));
      return line ? Promise.resolve(line) : new Promise((resolve) => waiters.push({ text, resolve }));
    },
  };
}

const count = (path: string, query: string): number => {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare(query).pluck().get() as number;
  } finally {
    db.close();
  }
};

describe('embedded bus crash tests (SIGKILL)', () => {
  it('a publisher killed mid-batch leaves all of the batch or none', async () => {
    const n = 50_000;
    for (let round = 0; round < 3; round++) {
      const path = join(dir, `publish-${round}.db`);
      const p = start(['publish', path, String(n)]);
      await p.waitFor('publishing');
      await new Promise((r) => setTimeout(r, 20 + round * 40));
      p.child.kill('SIGKILL');
      await p.exited;
      expect([0, n]).toContain(count(path, 'SELECT COUNT(*) FROM bus_events'));
    }
  });

  it('a consumer killed before its ack gets the event again and applies it once', async () => {
    const path = join(dir, 'consume.db');
    const pub = start(['publish', path, '1']);
    await pub.waitFor('published');
    pub.child.kill('SIGKILL');
    await pub.exited;
    const first = start(['consume', path]);
    expect(await first.waitFor('delivered 1')).toContain('applied=true');
    first.child.kill('SIGKILL');
    await first.exited;
    const second = start(['consume', path], { ACK: '1' });
    expect(await second.waitFor('delivered 1')).toContain('applied=false');
    second.child.kill('SIGKILL');
    await second.exited;
    expect(count(path, 'SELECT COUNT(*) FROM crash_effects')).toBe(1);
  });

  it('a producer killed between its commit and the bus publish has its events published exactly once (outbox)', async () => {
    const path = join(dir, 'outbox.db');
    const producer = start(['produce', path, '100']);
    await producer.waitFor('committed');
    producer.child.kill('SIGKILL');
    await producer.exited;
    expect(count(path, 'SELECT COUNT(*) FROM outbox_events WHERE published_at_ms IS NULL')).toBe(100);
    const drain = start(['drain', path]);
    expect(await drain.waitFor('drained')).toContain('drained 100 accepted=100');
    await drain.exited;
    const again = start(['drain', path]);
    expect(await again.waitFor('drained')).toContain('drained 0');
    await again.exited;
    expect(count(path, 'SELECT COUNT(*) FROM bus_events')).toBe(100);
  });
});
