// Escrow (seeds/003): funds held against a contract in an escrow account, released to the payee on
// a favourable verdict of the judiciary (automated checks), refunded to the payer on failure or
// once the hold expires.
import type { Db } from './accounts.js';
import { ensureAccounts } from './accounts.js';
import { postTransactions } from './ledger.js';
import { refuse } from './treasury-error.js';

export interface EscrowInput {
  readonly escrow_id: string;
  readonly contract_id: string;
  readonly payer_account: string;
  readonly payee_account: string;
  readonly amount: number;
  readonly unit: string;
  readonly expires_at_ms: number;
}

/** A judiciary check: a named automated test of a delivered artifact. */
export interface JudiciaryCheck {
  readonly name: string;
  readonly passed: boolean;
}

const escrowAccount = (id: string) => `escrow:${id}`;

export async function holdEscrow(db: Db, workspace: string, input: EscrowInput, createdAt: string): Promise<void> {
  if (!Number.isSafeInteger(input.amount) || input.amount <= 0)
    throw refuse('amount', 'integer', 'must be a positive integer in the unit of the accounts');
  await ensureAccounts(db, workspace, [
    { account_id: escrowAccount(input.escrow_id), account_type: 'liability', unit: input.unit, no_overdraft: true },
  ]);
  await postTransactions(db, workspace, [
    {
      idempotency_key: `escrow-hold:${input.escrow_id}`,
      entries: [
        { account_id: input.payer_account, amount: -input.amount },
        { account_id: escrowAccount(input.escrow_id), amount: input.amount },
      ],
      reference_id: input.contract_id,
      policy_bundle_id: 'default@1',
      created_at: createdAt,
    },
  ]);
  await db
    .insertInto('treasury_escrows')
    .values({ workspace_id: workspace, ...input, status: 'held' })
    .onConflict((oc) => oc.columns(['workspace_id', 'escrow_id']).doNothing())
    .execute();
}

/** Settles a held escrow: release when every check passed, refund when one failed or the hold expired. */
export async function settleEscrow(
  db: Db,
  workspace: string,
  escrowId: string,
  checks: readonly JudiciaryCheck[],
  nowMs: number,
  createdAt: string,
): Promise<'released' | 'refunded'> {
  const row = await db
    .selectFrom('treasury_escrows')
    .selectAll()
    .where('workspace_id', '=', workspace)
    .where('escrow_id', '=', escrowId)
    .executeTakeFirst();
  if (!row) throw refuse('escrow_id', 'unknown_escrow', `${escrowId} is not an escrow of workspace ${workspace}`);
  if (row.status !== 'held') return row.status;
  const expired = nowMs > Number(row.expires_at_ms);
  const verdict = !expired && checks.length > 0 && checks.every((c) => c.passed) ? 'released' : 'refunded';
  const to = verdict === 'released' ? row.payee_account : row.payer_account;
  await postTransactions(db, workspace, [
    {
      idempotency_key: `escrow-settle:${escrowId}`,
      entries: [
        { account_id: escrowAccount(escrowId), amount: -Number(row.amount) },
        { account_id: to, amount: Number(row.amount) },
      ],
      reference_id: row.contract_id,
      policy_bundle_id: 'default@1',
      created_at: createdAt,
    },
  ]);
  await db
    .updateTable('treasury_escrows')
    .set({ status: verdict })
    .where('workspace_id', '=', workspace)
    .where('escrow_id', '=', escrowId)
    .execute();
  return verdict;
}
