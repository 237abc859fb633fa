// A process killed with SIGKILL in the middle of posting a batch leaves the batch whole or absent.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openDatabase } from '@kush/runtime';
import { describe, expect, it } from 'vitest';
import { balances, ledgerTotals, type TreasuryTables } from '@kush/treasury';

const child = resolve(import.meta.dirname, 'fixtures/post-batch.mjs');
const BATCH = 20_000;

function postAndKill(path: string, killAfterMs: number): Promise<string> {
  return new Promise((done) => {
    const p = spawn(process.execPath, [child, path, String(BATCH)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready') && !out.includes('armed')) {
        out += 'armed';
        setTimeout(() => p.kill('SIGKILL'), killAfterMs);
      }
    });
    p.on('exit', () => done(out));
  });
}

describe('treasury crash safety', () => {
  it.each([50, 300, 900])(
    'leaves a batch whole or absent when killed %i ms into it',
    async (ms) => {
      const path = join(mkdtempSync(join(tmpdir(), 'kush-crash-')), 'kush.db');
      const out = await postAndKill(path, ms);
      const database = await openDatabase<TreasuryTables>({ sqlitePath: path });
      const count = await database.db
        .selectFrom('treasury_transactions')
        .select(database.db.fn.countAll<number>().as('n'))
        .executeTakeFirst();
      const n = Number(count!.n);
      expect([0, BATCH]).toContain(n);
      if (out.includes('done')) expect(n).toBe(BATCH);
      expect((await balances(database.db, 'crash')).get('b') ?? 0).toBe(n);
      for (const total of (await ledgerTotals(database.db, 'crash')).values()) expect(total).toBe(0);
      await database.close();
    },
    60_000,
  );
});
