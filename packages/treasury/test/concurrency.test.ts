// Several processes posting to the same accounts at once on PostgreSQL: balances exact, no lost update.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { integrationTarget, openDatabase } from '@kush/runtime';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { balances, ensureAccounts, ledgerTotals, migrateTreasury, type TreasuryTables } from '@kush/treasury';

const pgUrl = await integrationTarget('postgres');
const child = resolve(import.meta.dirname, 'fixtures/post-concurrently.mjs');
const WORKERS = 4;
const BATCHES = 25;

describe.skipIf(!pgUrl)('treasury under concurrent writers (PostgreSQL)', () => {
  it('keeps exact balances with several processes posting to the same accounts', async () => {
    const schema = `treasury_conc_${randomBytes(4).toString('hex')}`;
    const database = await openDatabase<TreasuryTables>({ url: pgUrl!, schema });
    try {
      await migrateTreasury(database as never);
      await ensureAccounts(database.db, 'conc', [
        { account_id: 'a', account_type: 'asset', unit: 'mJ' },
        { account_id: 'b', account_type: 'asset', unit: 'mJ' },
      ]);
      const runs = Array.from(
        { length: WORKERS },
        (_, w) =>
          new Promise<number | null>((done) =>
            spawn(process.execPath, [child, pgUrl!, schema, String(w), String(BATCHES)], { stdio: 'inherit' }).on('exit', done),
          ),
      );
      expect(await Promise.all(runs)).toEqual(Array(WORKERS).fill(0));
      const expected = Array.from({ length: WORKERS }, (_, w) => (w + 1) * BATCHES * 10).reduce((a, b) => a + b, 0);
      const b = await balances(database.db, 'conc');
      expect(b.get('b')).toBe(expected);
      expect(b.get('a')).toBe(-expected);
      expect([...(await ledgerTotals(database.db, 'conc')).values()]).toEqual([0]);
    } finally {
      await sql.raw(`DROP SCHEMA ${schema} CASCADE`).execute(database.db);
      await database.close();
    }
  }, 120_000);
});
