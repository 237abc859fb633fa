// `kush ledger post|balance|export` as a user runs them, checked by an independent program: the
// `ledger` command-line accounting tool reads the exported journal and must agree.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const example = resolve(import.meta.dirname, '../../../examples/ledger/transactions.json');

describe('kush ledger', () => {
  const home = mkdtempSync(join(tmpdir(), 'kush-ledger-'));
  const env = { KUSH_HOME: home, KUSH_DATABASE_URL: '' };

  it('posts the example once, however often it is posted', () => {
    expect(JSON.parse(runCli(['ledger', 'post', example, '--json'], { env }).stdout)).toMatchObject({ posted: 3, duplicates: 0 });
    expect(JSON.parse(runCli(['ledger', 'post', example, '--json'], { env }).stdout)).toMatchObject({ posted: 0, duplicates: 3 });
  });

  it('refuses an unbalanced transaction naming the field and writes nothing', () => {
    const file = join(home, 'bad.json');
    writeFileSync(
      file,
      JSON.stringify({
        transactions: [
          {
            idempotency_key: 'bad-1',
            reference_id: 'x',
            policy_bundle_id: 'default@1',
            created_at: '2026-11-03T00:00:00.000Z',
            entries: [
              { account_id: 'assets:budget', amount: -5 },
              { account_id: 'expenses:tools', amount: 4 },
            ],
          },
        ],
      }),
    );
    const r = runCli(['ledger', 'post', file], { env });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('transactions.0.entries: uEAU entries sum to -1; each unit must sum to zero');
  });

  it('exports a journal on which `ledger balance` reports the same balances and a zero total', () => {
    const ours = JSON.parse(runCli(['ledger', 'balance', '--json'], { env }).stdout) as {
      balances: Record<string, number>;
      totals: Record<string, number>;
    };
    expect(ours.totals).toEqual({ uEAU: 0, mJ: 0 });
    const journal = join(home, 'journal.ledger');
    expect(runCli(['ledger', 'export', '--format', 'ledger', '--out', journal], { env }).status).toBe(0);
    const flat = execFileSync(
      'ledger',
      ['-f', journal, 'balance', '--flat', '--no-total', '--balance-format', '%(account)\\t%(quantity(display_amount))\\n'],
      { encoding: 'utf8' },
    );
    const theirs = Object.fromEntries(
      flat
        .trim()
        .split('\n')
        .map((l) => l.split('\t'))
        .map(([account, amount]) => [account!.trim(), Number(amount)]),
    );
    expect(theirs).toEqual(ours.balances);
    const total = execFileSync('ledger', ['-f', journal, 'balance'], { encoding: 'utf8' }).trim().split('\n').at(-1)!.trim();
    expect(total).toBe('0');
  });
});
