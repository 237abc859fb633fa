// `kush treasury intent ...` and `kush treasury escrow ...`: money intents (default deny) and escrow.
import { deterministicUuid } from '@kush/contracts';
import {
  TreasuryError,
  createIntent,
  holdEscrow,
  listIntents,
  migrateTreasury,
  setIntentStatus,
  settleEscrow,
  spend,
  type TreasuryTables,
} from '@kush/treasury';
import type { Command } from 'commander';
import { CliError, EXIT_FAILURE, usageError } from '../cli-error.js';
import { parseIntegerFlag, printJson, printLine, type JsonOption } from '../output.js';
import { withStorage } from '../storage.js';

const WORKSPACE = /^[a-z0-9][a-z0-9-]{0,62}$/;
const ws = (raw: string) => {
  if (!WORKSPACE.test(raw)) throw usageError('--workspace', 'must be lower-case letters, digits and dashes (1-63)');
  return raw;
};
const refused = (error: unknown): never => {
  if (error instanceof TreasuryError)
    throw new CliError(
      `refused, nothing written:\n${error.issues.map((i) => `  ${i.message}`).join('\n')}`,
      EXIT_FAILURE,
      'REFUSED',
      error.issues,
    );
  throw error;
};
// Intents and escrows live in wall time (TTLs, expiry): the CLI is where that clock is read.
const nowMs = () => Date.now();
const nowIso = () => new Date().toISOString();

export function registerTreasuryIntentCommands(program: Command): void {
  const treasury = program.commands.find((c) => c.name() === 'treasury') ?? program.command('treasury');
  const intent = treasury.command('intent').description('Money intents: no spend without an approved, unexpired intent with cap left');

  intent
    .command('create')
    .description('Request a spend authorization (pending until approved)')
    .requiredOption('--cap-eau <n>', 'cap in whole EAU')
    .option('--scope-type <type>', 'workflow, task, agent_action, workspace or global', 'workspace')
    .option('--scope-id <id>', 'id within the scope', 'default')
    .option('--window <window>', 'per_run, hourly, daily, weekly or monthly', 'daily')
    .option('--ttl-ms <ms>', 'lifetime in milliseconds', '86400000')
    .option('--velocity <n>', 'most spends per window (0 = no limit)', '0')
    .option('--workflow <uuid>', 'workflow the intent serves', '00000000-0000-4000-8000-000000000000')
    .option('--workspace <id>', 'workspace', 'default')
    .option('--json', 'print JSON')
    .action(async (o: JsonOption & Record<string, string>) =>
      withStorage<TreasuryTables, void>(async (database) => {
        await migrateTreasury(database as never);
        const capEau = parseIntegerFlag('--cap-eau', o['capEau'], { min: 1, max: 1_000_000_000 })!;
        const intentId = deterministicUuid('treasury.intent', o['workspace']!, o['scopeType']!, o['scopeId']!, nowMs());
        const created = await createIntent(
          database.db,
          ws(o['workspace']!),
          {
            intent_id: intentId,
            workflow_id: o['workflow']!,
            scope_type: o['scopeType']!,
            scope_id: o['scopeId']!,
            cap_amount: capEau * 1_000_000,
            window: o['window']!,
            ttl_ms: parseIntegerFlag('--ttl-ms', o['ttlMs'], { min: 1 })!,
            velocity_limit: parseIntegerFlag('--velocity', o['velocity'])!,
          },
          nowMs(),
        ).catch(refused);
        if (o.json) printJson(created);
        else printLine(`intent ${intentId} created (pending): approve it with \`kush treasury intent approve ${intentId}\``);
      }),
    );

  for (const [verb, status] of [
    ['approve', 'approved'],
    ['revoke', 'revoked'],
  ] as const) {
    intent
      .command(verb)
      .description(`${verb === 'approve' ? 'Approve' : 'Revoke'} an intent`)
      .argument('<intent_id>', 'intent id')
      .option('--workspace <id>', 'workspace', 'default')
      .option('--json', 'print JSON')
      .action(async (id: string, o: JsonOption & { workspace: string }) =>
        withStorage<TreasuryTables, void>(async (database) => {
          await migrateTreasury(database as never);
          const decision = await setIntentStatus(database.db, ws(o.workspace), id, status).catch(refused);
          if (o.json) printJson(decision);
          else printLine(`intent ${id}: ${status}`);
        }),
      );
  }

  intent
    .command('list')
    .description('List intents with cap, spend and status')
    .option('--workspace <id>', 'workspace', 'default')
    .option('--json', 'print JSON')
    .action(async (o: JsonOption & { workspace: string }) =>
      withStorage<TreasuryTables, void>(async (database) => {
        await migrateTreasury(database as never);
        const rows = await listIntents(database.db, ws(o.workspace));
        if (o.json) return printJson(rows);
        for (const r of rows)
          printLine(
            `  ${r.intent_id}  ${r.status.padEnd(8)} ${r.scope_type}:${r.scope_id}  ${Number(r.spent_amount)}/${Number(r.cap_amount)} uEAU  ${r.budget_window}`,
          );
      }),
    );

  intent
    .command('spend')
    .description('Spend against an intent (refused unless approved, unexpired, within cap and velocity)')
    .argument('<intent_id>', 'intent id')
    .requiredOption('--amount <ueau>', 'amount in uEAU')
    .requiredOption('--from <account>', 'account paying')
    .requiredOption('--to <account>', 'account paid')
    .requiredOption('--key <idempotency_key>', 'idempotency key')
    .option('--workspace <id>', 'workspace', 'default')
    .option('--json', 'print JSON')
    .action(async (id: string, o: JsonOption & Record<string, string>) =>
      withStorage<TreasuryTables, void>(async (database) => {
        await migrateTreasury(database as never);
        const amount = parseIntegerFlag('--amount', o['amount'], { min: 1 })!;
        const result = await database.db
          .transaction()
          .execute((trx) =>
            spend(
              trx,
              ws(o['workspace']!),
              {
                intent_id: id,
                amount,
                from_account: o['from']!,
                to_account: o['to']!,
                idempotency_key: o['key']!,
                reference_id: id,
                policy_bundle_id: 'default@1',
                created_at: nowIso(),
              },
              nowMs(),
            ),
          )
          .catch(refused);
        if (o.json) printJson(result);
        else printLine(`spent ${amount} uEAU from ${o['from']} to ${o['to']} (${result.decision.reason_code})`);
      }),
    );

  const escrow = treasury.command('escrow').description('Escrow: hold against a contract, release on a passing verdict, refund otherwise');
  escrow
    .command('hold')
    .description('Hold funds against a contract')
    .requiredOption('--contract <id>', 'contract id')
    .requiredOption('--from <account>', 'payer account')
    .requiredOption('--to <account>', 'payee account')
    .requiredOption('--amount <n>', 'amount in the accounts unit')
    .option('--unit <unit>', 'unit of the accounts', 'uEAU')
    .option('--expires-ms <ms>', 'hold lifetime in milliseconds', '86400000')
    .option('--workspace <id>', 'workspace', 'default')
    .option('--json', 'print JSON')
    .action(async (o: JsonOption & Record<string, string>) =>
      withStorage<TreasuryTables, void>(async (database) => {
        await migrateTreasury(database as never);
        const escrowId = deterministicUuid('treasury.escrow', o['workspace']!, o['contract']!);
        await database.db
          .transaction()
          .execute((trx) =>
            holdEscrow(
              trx,
              ws(o['workspace']!),
              {
                escrow_id: escrowId,
                contract_id: o['contract']!,
                payer_account: o['from']!,
                payee_account: o['to']!,
                amount: parseIntegerFlag('--amount', o['amount'], { min: 1 })!,
                unit: o['unit']!,
                expires_at_ms: nowMs() + parseIntegerFlag('--expires-ms', o['expiresMs'], { min: 1 })!,
              },
              nowIso(),
            ),
          )
          .catch(refused);
        if (o.json) printJson({ escrow_id: escrowId, status: 'held' });
        else printLine(`escrow ${escrowId} held; settle it with \`kush treasury escrow settle ${escrowId} --check tests=pass\``);
      }),
    );
  escrow
    .command('settle')
    .description('Settle an escrow by the judiciary: every check passes -> release; a failure or expiry -> refund')
    .argument('<escrow_id>', 'escrow id')
    .option('--check <name=pass|fail...>', 'judiciary check results', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--workspace <id>', 'workspace', 'default')
    .option('--json', 'print JSON')
    .action(async (id: string, o: JsonOption & { check: string[]; workspace: string }) =>
      withStorage<TreasuryTables, void>(async (database) => {
        await migrateTreasury(database as never);
        const checks = o.check.map((c) => {
          const [name, result] = c.split('=');
          if (!name || (result !== 'pass' && result !== 'fail')) throw usageError('--check', 'must be name=pass or name=fail');
          return { name, passed: result === 'pass' };
        });
        const verdict = await database.db
          .transaction()
          .execute((trx) => settleEscrow(trx, ws(o.workspace), id, checks, nowMs(), nowIso()))
          .catch(refused);
        if (o.json) printJson({ escrow_id: id, status: verdict });
        else printLine(`escrow ${id}: ${verdict}`);
      }),
    );
}
