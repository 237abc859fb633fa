// Crash tests for the NATS adapter in child processes (built dist), killed with SIGKILL.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createEnvelope, deterministicUuid, exampleEnvelope } from '@kush/contracts';
import { integrationTarget, openDatabase } from '@kush/runtime';
import { afterAll, describe, expect, it } from 'vitest';
import { OutboxPublisher, migrateOutbox, openNatsBus } from '@kush/bus';

const url = await integrationTarget('nats');
const here = import.meta.dirname;
const RUN = `C${process.pid}_${Date.now().toString(36).toUpperCase()}`;
const BATCH = 10_000;

function start(script: string, args: string[]): { child: ChildProcess; lines: string[]; exited: Promise<void> } {
  const child = spawn(process.execPath, [join(here, 'crash', script), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: string[] = [];
  let rest = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    const parts = (rest + chunk.toString()).split('\n');
    rest = parts.pop()!;
    lines.push(...parts);
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return { child, lines, exited };
}

const until = async (check: () => boolean, timeoutMs = 20_000): Promise<void> => {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting for the child');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe.skipIf(!url)('NATS bus crash tests (SIGKILL)', () => {
  const prefixes: string[] = [];
  afterAll(async () => {
    for (const prefix of prefixes) {
      const bus = await openNatsBus({ url: url!, prefix, recover: false });
      await bus.destroy(['crash']);
      await bus.close();
    }
  });

  for (const killAfterMs of [0, 150, 400]) {
    it(`a publisher killed ${killAfterMs} ms into a ${BATCH}-envelope batch leaves all of it or none after recovery`, async () => {
      const prefix = `KBC_${RUN}_${killAfterMs}`;
      prefixes.push(prefix);
      const p = start('nats-publisher.mjs', [url!, prefix, `${RUN}-${killAfterMs}`, String(BATCH)]);
      await until(() => p.lines.includes('publishing'));
      await new Promise((r) => setTimeout(r, killAfterMs));
      p.child.kill('SIGKILL');
      await p.exited;
      const bus = await openNatsBus({ url: url!, prefix, journalAbandonedMs: 0 });
      try {
        const total = (await bus.stats({ workspace: 'crash' })).total;
        expect([0, BATCH]).toContain(total);
        // Nothing is left half-done in the journal after recovery.
        expect(await bus.recover()).toEqual({ finished: 0, discarded: 0 });
      } finally {
        await bus.close();
      }
    });
  }

  it('a consumer killed before its ack gets the event again and applies it once', async () => {
    const prefix = `KBD_${RUN}`;
    prefixes.push(prefix);
    const dir = mkdtempSync(join(tmpdir(), 'kush-bus-crash-'));
    const dbPath = join(dir, 'consumer.db');
    try {
      const bus = await openNatsBus({ url: url!, prefix });
      const base = exampleEnvelope('civ.energy.generated.v1')!;
      const envelope = createEnvelope({
        ...base,
        event_id: deterministicUuid('bus-crash-consumer', RUN),
        replay_token: undefined as unknown as string,
      });
      const { sequences } = await bus.publish([envelope], { workspace: 'crash' });
      await bus.close();

      const first = start('nats-consumer.mjs', [url!, prefix, dbPath, 'crash']);
      await until(() => first.lines.some((l) => l.startsWith('delivery')));
      first.child.kill('SIGKILL');
      await first.exited;
      expect(first.lines[0]).toBe(`delivery ${sequences[0]} attempt 1 applied true`);

      const second = start('nats-consumer.mjs', [url!, prefix, dbPath, 'ack']);
      await until(() => second.lines.includes('acked'));
      second.child.kill('SIGKILL');
      await second.exited;
      expect(second.lines[0]).toMatch(new RegExp(`^delivery ${sequences[0]} attempt [2-9]\\d* applied false$`));

      const db = new Database(dbPath, { readonly: true });
      expect(db.prepare('SELECT COUNT(*) FROM applied').pluck().get()).toBe(1);
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a producer killed between its commit and the publish has its events on NATS exactly once after restart (outbox)', async () => {
    const prefix = `KBO_${RUN}`;
    prefixes.push(prefix);
    const dir = mkdtempSync(join(tmpdir(), 'kush-bus-outbox-'));
    const dbPath = join(dir, 'producer.db');
    const n = 3_000;
    try {
      const producer = start('nats-outbox.mjs', ['produce', dbPath, String(n), url!, prefix, RUN]);
      await until(() => producer.lines.includes('committed'));
      producer.child.kill('SIGKILL');
      await producer.exited;
      // A publisher killed mid-drain (after some of the rows may be on the bus, before they are marked).
      const drainer = start('nats-outbox.mjs', ['drain', dbPath, '0', url!, prefix, RUN]);
      await until(() => drainer.lines.includes('draining'));
      await new Promise((r) => setTimeout(r, 100));
      drainer.child.kill('SIGKILL');
      await drainer.exited;
      // The restart: finish what the killed drainer left, then drain the outbox.
      const bus = await openNatsBus({ url: url!, prefix, journalAbandonedMs: 0 });
      const database = await openDatabase<unknown>({ sqlitePath: dbPath });
      try {
        await migrateOutbox(database);
        const publisher = new OutboxPublisher(database, bus);
        await publisher.drain();
        expect(await publisher.pending()).toBe(0);
        expect((await bus.stats({ workspace: 'crash' })).total).toBe(n);
        expect((await publisher.drain()).moved).toBe(0);
        expect((await bus.stats({ workspace: 'crash' })).total).toBe(n);
      } finally {
        await database.close();
        await bus.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
