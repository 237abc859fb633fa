// `kush ledger ...` and `kush treasury ...`: the Venture ledger and budgets from the command line.
import { readFileSync, writeFileSync } from 'node:fs';
import {
  TreasuryError,
  allocateBudget,
  balances,
  budgetOf,
  ensureAccounts,
  exportJournal,
  ledgerTotals,
  listAccounts,
  listEntries,
  migrateTreasury,
  parseStatement,
  postTransactions,
  reconcile,
  type AccountSpec,
  type TransactionInput,
  type TreasuryTables,
} from '@kush/treasury';
import type { Command } from 'commander';
import { CliError, EXIT_FAILURE, usageError } from '../cli-error.js';
import { good, bad, heading, parseIntegerFlag, printJson, printLine, type JsonOption } from '../output.js';
import { withStorage } from '../storage.js';

interface WorkspaceOption extends JsonOption {
  workspace: string;
}

const WORKSPACE = /^[a-z0-9][a-z0-9-]{0,62}$/;

function workspaceOf(raw: string): string {
  if (!WORKSPACE.test(raw)) throw usageError('--workspace', 'must be lower-case letters, digits and dashes (1-63)');
  return raw;
}

function treasuryFailure(error: unknown): never {
  if (error instanceof TreasuryError)
    throw new CliError(
      `refused, nothing written:\n${error.issues.map((i) => `  ${i.message}`).join('\n')}`,
      EXIT_FAILURE,
      'REFUSED',
      error.issues,
    );
  throw error;
}

interface PostFile {
  workspace?: string;
  accounts?: AccountSpec[];
  transactions: TransactionInput[];
}

function readPostFile(path: string): PostFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new CliError(`file: ${path} cannot be read as JSON (${(error as Error).message})`, EXIT_FAILURE, 'INVALID_FILE');
  }
  const body = Array.isArray(parsed) ? { transactions: parsed } : (parsed as Record<string, unknown>);
  if (!body || typeof body !== 'object' || !Array.isArray(body['transactions'])) {
    throw new CliError(
      'transactions: must be an array of transactions (or the file itself an array); see examples/ledger/transactions.json',
      EXIT_FAILURE,
      'INVALID_FILE',
    );
  }
  if (body['accounts'] !== undefined && !Array.isArray(body['accounts']))
    throw new CliError('accounts: must be an array of accounts', EXIT_FAILURE, 'INVALID_FILE');
  return body as unknown as PostFile;
}

export function registerLedgerCommands(program: Command): void {
  const ledger = program.command('ledger').description('The Venture double-entry ledger: accounts, balances, entries, posting, export');

  ledger
    .command('accounts')
    .description('List the chart of accounts of a workspace')
    .option('--workspace <id>', 'workspace', 'default')
    .option('--json', 'print JSON')
    .action(async (options: WorkspaceOption) =>
      withStorage<TreasuryTables, void>(async (database) => {
        await migrateTreasury(database as never);
        const accounts = await listAccounts(database.db, workspaceOf(options.workspace));
        if (options.json) return printJson(accounts.map((a) => ({ ...a, balance: Number(a.balance), no_overdraft: a.no_overdraft === 1 })));
        printLine(heading(`${accounts.length} accounts`));
        for (const a of accounts)
          printLine(
            `  ${a.account_id.padEnd(36)} ${a.account_type.padEnd(9)} ${a.unit.padEnd(5)} ${a.state.padEnd(7)} ${Number(a.balance)}`,
          );
      }),
    );

  ledger
    .command('balance')
    .description('Balances per account and the total per unit (always zero)')
    .option('--workspace <id>', 'workspace', 'default')
    .option('--json', 'print JSON')
    .action(async (options: WorkspaceOption) =>
      withStorage<TreasuryTables, void>(async (database) => {
        await migrateTreasury(database as never);
        const ws = workspaceOf(options.workspace);
        const b = await balances(database.db, ws);
        const totals = await ledgerTotals(database.db, ws);
        const accounts = await listAccounts(database.db, ws);
        if (options.json) return printJson({ workspace: ws, balances: Object.fromEntries(b), totals: Object.fromEntries(totals) });
        for (const a of accounts) printLine(`  ${String(Number(a.balance)).padStart(16)} ${a.unit.padEnd(5)} ${a.account_id}`);
        for (const [unit, total] of totals) printLine(`  ${total === 0 ? good(`total ${unit} 0`) : bad(`total ${unit} ${total}`)}`);
      }),
    );

  ledger
    .command('entries')
    .description('List ledger entries, oldest first')
    .option('--workspace <id>', 'workspace', 'default')
    .option('--limit <n>', 'most entries to list', '100')
    .option('--json', 'print JSON')
    .action(async (options: WorkspaceOption & { limit: string }) =>
      withStorage<TreasuryTables, void>(async (database) => {
        await migrateTreasury(database as never);
        const limit = parseIntegerFlag('--limit', options.limit, { min: 1, max: 1_000_000 })!;
        const entries = await listEntries(database.db, workspaceOf(options.workspace), limit);
        if (options.json) return printJson(entries.map((e) => ({ ...e, amount: Number(e.amount) })));
        for (const e of entries)
          printLine(
            `  ${e.created_at}  ${e.transaction_id}  ${String(Number(e.amount)).padStart(14)} ${e.unit.padEnd(5)} ${e.account_id}  (${e.reference_id})`,
          );
      }),
    );

  ledger
    .command('post')
    .description('Post one or more transactions from a JSON file (all or none); see examples/ledger/transactions.json')
    .argument('<file>', 'JSON file: {workspace?, accounts?, transactions: [...]}')
    .option('--workspace <id>', 'workspace (overrides the file)')
    .option('--json', 'print JSON')
    .action(async (file: string, options: JsonOption & { workspace?: string }) => {
      const body = readPostFile(file);
      const ws = workspaceOf(options.workspace ?? body.workspace ?? 'default');
      await withStorage<TreasuryTables, void>(async (database) => {
        await migrateTreasury(database as never);
        const posted = await database.db
          .transaction()
          .execute(async (trx) => {
            if (body.accounts) await ensureAccounts(trx, ws, body.accounts);
            return postTransactions(trx, ws, body.transactions);
          })
          .catch(treasuryFailure);
        const fresh = posted.filter((p) => !p.duplicate).length;
        if (options.json) return printJson({ workspace: ws, posted: fresh, duplicates: posted.length - fresh, transactions: posted });
        printLine(`${fresh} transactions posted, ${posted.length - fresh} already posted (same idempotency key) in workspace ${ws}`);
      });
    });

  ledger
    .command('export')
    .description('Write the ledger as a plain-text journal that `ledger` and `hledger` read')
    .option('--format <format>', 'journal format (ledger)', 'ledger')
    .option('--workspace <id>', 'workspace', 'default')
    .option('--out <file>', 'write to a file instead of standard output')
    .action(async (options: { format: string; workspace: string; out?: string }) => {
      if (options.format !== 'ledger') throw usageError('--format', 'must be ledger');
      await withStorage<TreasuryTables, void>(async (database) => {
        await migrateTreasury(database as never);
        const journal = await exportJournal(database.db, workspaceOf(options.workspace));
        if (options.out) writeFileSync(options.out, journal);
        else process.stdout.write(journal);
      });
    });

  const treasury = program.command('treasury').description('Budgets and reconciliation of the Venture treasury');
  const budget = treasury.command('budget').description('Workspace EAU budgets');
  budget
    .command('allocate')
    .description('Set the EAU allocation of a workspace')
    .requiredOption('--eau <n>', 'allocation in whole EAU')
    .option('--workspace <id>', 'workspace', 'default')
    .option('--json', 'print JSON')
    .action(async (options: WorkspaceOption & { eau: string }) =>
      withStorage<TreasuryTables, void>(async (database) => {
        await migrateTreasury(database as never);
        const eau = parseIntegerFlag('--eau', options.eau, { min: 0, max: 1_000_000_000 })!;
        const allocation = await allocateBudget(database.db, workspaceOf(options.workspace), eau * 1_000_000).catch(treasuryFailure);
        if (options.json) printJson(allocation);
        else printLine(`workspace ${options.workspace}: ${eau} EAU allocated`);
      }),
    );
  budget
    .command('show')
    .description('Show the allocation and what has been used')
    .option('--workspace <id>', 'workspace', 'default')
    .option('--json', 'print JSON')
    .action(async (options: WorkspaceOption) =>
      withStorage<TreasuryTables, void>(async (database) => {
        await migrateTreasury(database as never);
        const b = await budgetOf(database.db, workspaceOf(options.workspace));
        if (options.json) return printJson({ workspace: options.workspace, ...(b ?? { limit_ueau: 0, spent_ueau: 0 }) });
        printLine(
          b
            ? `workspace ${options.workspace}: ${(b.spent_ueau / 1e6).toFixed(6)} of ${(b.limit_ueau / 1e6).toFixed(0)} EAU used`
            : `workspace ${options.workspace} has no budget; allocate one with \`kush treasury budget allocate --eau N\``,
        );
      }),
    );

  treasury
    .command('reconcile')
    .description('Compare ledger balances with a CSV statement (account_id,balance); exit 1 on drift')
    .requiredOption('--statement <file>', 'CSV statement')
    .option('--workspace <id>', 'workspace', 'default')
    .option('--json', 'print JSON')
    .action(async (options: WorkspaceOption & { statement: string }) =>
      withStorage<TreasuryTables, void>(async (database) => {
        await migrateTreasury(database as never);
        let statement: Map<string, number>;
        try {
          statement = parseStatement(readFileSync(options.statement, 'utf8'));
        } catch (error) {
          if (error instanceof TreasuryError) treasuryFailure(error);
          throw new CliError(`--statement: ${options.statement} cannot be read`, EXIT_FAILURE, 'INVALID_FILE');
        }
        const report = reconcile(await balances(database.db, workspaceOf(options.workspace)), statement);
        if (options.json) printJson(report);
        else
          printLine(
            report.status === 'matched'
              ? good(`matched: ${report.accounts_compared} accounts, drift 0`)
              : bad(`drift ${report.drift_amount} (${report.drift_pct}%) over ${report.mismatches.length} accounts`),
          );
        if (report.status !== 'matched') process.exitCode = EXIT_FAILURE;
      }),
    );
}
