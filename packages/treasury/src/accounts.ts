// The chart of accounts per workspace: type, unit, state, optional no-overdraft.
import type { Kysely, Transaction } from 'kysely';
import { refuse } from './treasury-error.js';
import type { TreasuryAccountRow, TreasuryTables } from './tables.js';

export type Db = Kysely<TreasuryTables> | Transaction<TreasuryTables>;

export const ACCOUNT_TYPES = ['asset', 'liability', 'equity', 'revenue', 'expense'] as const;
export const UNITS = ['uEAU', 'mJ'] as const;
const ACCOUNT_ID = /^[A-Za-z0-9][A-Za-z0-9:._-]{0,127}$/;
/** Accounts created per INSERT statement (SQLite allows 32,766 bound values). */
const ACCOUNT_INSERT_ROWS_MAX = 500;

export interface AccountSpec {
  readonly account_id: string;
  readonly account_type: TreasuryAccountRow['account_type'];
  readonly unit: string;
  readonly no_overdraft?: boolean;
}

export function checkAccountSpec(spec: AccountSpec, path = 'account'): void {
  if (!ACCOUNT_ID.test(spec.account_id)) throw refuse(`${path}.account_id`, 'pattern', `must match ${ACCOUNT_ID.source}`);
  if (!ACCOUNT_TYPES.includes(spec.account_type))
    throw refuse(`${path}.account_type`, 'enum', `must be one of ${ACCOUNT_TYPES.join(', ')}`);
  if (!/^[A-Za-z][A-Za-z0-9]{0,15}$/.test(spec.unit)) throw refuse(`${path}.unit`, 'pattern', 'must be a unit code such as uEAU or mJ');
}

/** Opens accounts that do not exist yet (idempotent); an existing account keeps its settings. */
export async function ensureAccounts(db: Db, workspace: string, specs: readonly AccountSpec[]): Promise<void> {
  specs.forEach((s, i) => checkAccountSpec(s, `accounts.${i}`));
  for (let i = 0; i < specs.length; i += ACCOUNT_INSERT_ROWS_MAX) {
    const rows = specs.slice(i, i + ACCOUNT_INSERT_ROWS_MAX).map((s) => ({
      workspace_id: workspace,
      account_id: s.account_id,
      account_type: s.account_type,
      unit: s.unit,
      state: 'active' as const,
      no_overdraft: s.no_overdraft ? 1 : 0,
      balance: 0,
    }));
    await db
      .insertInto('treasury_accounts')
      .values(rows)
      .onConflict((oc) => oc.columns(['workspace_id', 'account_id']).doNothing())
      .execute();
  }
}

export async function setAccountState(db: Db, workspace: string, accountId: string, state: TreasuryAccountRow['state']): Promise<void> {
  const result = await db
    .updateTable('treasury_accounts')
    .set({ state })
    .where('workspace_id', '=', workspace)
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0)
    throw refuse('account_id', 'unknown_account', `${accountId} is not an account of workspace ${workspace}`);
}

export async function listAccounts(db: Db, workspace: string): Promise<TreasuryAccountRow[]> {
  return db.selectFrom('treasury_accounts').selectAll().where('workspace_id', '=', workspace).orderBy('account_id').execute();
}

/** Balances of a workspace by account id. */
export async function balances(db: Db, workspace: string): Promise<Map<string, number>> {
  const rows = await db.selectFrom('treasury_accounts').select(['account_id', 'balance']).where('workspace_id', '=', workspace).execute();
  return new Map(rows.map((r) => [r.account_id, Number(r.balance)]));
}
