// Ledger entries posted per second with every invariant on (validation, balance per unit in code
// and re-checked on the stored rows, idempotency keys, balances kept, and on PostgreSQL the deferred
// constraint trigger), batched, against a naive one-INSERT-per-entry baseline on the same database.
//   npm run build && node bench/treasury/post.mjs [--transactions 20000] [--batch 1000] [--json]
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { integrationTarget, openDatabase } from '@kush/runtime';
import { ensureAccounts, migrateTreasury, postTransactions } from '@kush/treasury';
import { sql } from 'kysely';

const args = process.argv.slice(2);
const flag = (n, d) => (args.includes(n) ? Number(args[args.indexOf(n) + 1]) : d);
const TRANSACTIONS = flag('--transactions', 20_000);
const BATCH = flag('--batch', 1_000);
const ACCOUNTS = 200;

async function bench(name, database) {
  await migrateTreasury(database);
  await ensureAccounts(
    database.db,
    'bench',
    Array.from({ length: ACCOUNTS }, (_, i) => ({ account_id: `a${i}`, account_type: 'asset', unit: 'mJ' })),
  );
  const batch = (b) =>
    Array.from({ length: BATCH }, (_, i) => {
      const n = b * BATCH + i;
      return {
        idempotency_key: `k${n}`,
        entries: [
          { account_id: `a${n % ACCOUNTS}`, amount: -(n + 1) },
          { account_id: `a${(n * 7 + 1) % ACCOUNTS}`, amount: n + 1 },
        ],
        reference_id: `r${n}`,
        policy_bundle_id: 'default@1',
        created_at: '2026-11-22T00:00:00.000Z',
      };
    });
  let t0 = process.hrtime.bigint();
  for (let b = 0; b < TRANSACTIONS / BATCH; b++) {
    const txs = batch(b);
    await database.db.transaction().execute((trx) => postTransactions(trx, 'bench', txs));
  }
  const kushS = Number(process.hrtime.bigint() - t0) / 1e9;
  // Naive: one INSERT per entry (no checks in code, no balances kept), one transaction per batch;
  // each pair still balances, so PostgreSQL's deferred trigger accepts it at commit.
  t0 = process.hrtime.bigint();
  for (let b = 0; b < TRANSACTIONS / BATCH; b++) {
    const txs = batch(b);
    await database.db.transaction().execute(async (trx) => {
      for (const t of txs)
        for (const [position, e] of t.entries.entries()) {
          await trx
            .insertInto('treasury_entries')
            .values({
              workspace_id: 'naive',
              transaction_id: `n${t.idempotency_key}`,
              position,
              account_id: e.account_id,
              unit: 'mJ',
              amount: e.amount,
            })
            .execute();
        }
    });
  }
  const naiveS = Number(process.hrtime.bigint() - t0) / 1e9;
  const entries = TRANSACTIONS * 2;
  return {
    database: name,
    entries,
    kush_entries_per_s: Math.round(entries / kushS),
    naive_entries_per_s: Math.round(entries / naiveS),
    ratio: +(naiveS / kushS).toFixed(2),
  };
}

const results = [];
const dir = mkdtempSync(join(tmpdir(), 'kush-bench-treasury-'));
const sqlite = await openDatabase({ sqlitePath: join(dir, 'bench.db') });
results.push(await bench('sqlite', sqlite));
await sqlite.close();
const pgUrl = await integrationTarget('postgres');
if (pgUrl) {
  const schema = `bench_treasury_${randomBytes(4).toString('hex')}`;
  const pgdb = await openDatabase({ url: pgUrl, schema });
  try {
    results.push(await bench('postgres', pgdb));
  } finally {
    await sql.raw(`DROP SCHEMA ${schema} CASCADE`).execute(pgdb.db);
    await pgdb.close();
  }
}
if (args.includes('--json')) console.log(JSON.stringify(results));
else
  for (const r of results)
    console.log(
      `${r.database.padEnd(9)} kush ${r.kush_entries_per_s.toLocaleString('en-US').padStart(9)} entries/s   naive ${r.naive_entries_per_s.toLocaleString('en-US').padStart(9)} entries/s   kush/naive ${r.ratio}x`,
    );
