// Workspace budgets in micro-EAU: an allocation, consumption against it, and the overage when a
// charge would pass it (venture.budget.exceeded). A refused charge consumes nothing.
import type { Db } from './accounts.js';
import { refuse } from './treasury-error.js';

export async function allocateBudget(db: Db, workspace: string, limitUeau: number, window = 'per_run'): Promise<Record<string, unknown>> {
  if (!Number.isSafeInteger(limitUeau) || limitUeau < 0)
    throw refuse('allocation_amount', 'integer', 'must be a non-negative integer of uEAU');
  await db
    .insertInto('treasury_budgets')
    .values({ workspace_id: workspace, limit_ueau: limitUeau, spent_ueau: 0, budget_window: window })
    .onConflict((oc) => oc.column('workspace_id').doUpdateSet({ limit_ueau: limitUeau, budget_window: window }))
    .execute();
  return { workspace_id: workspace, allocation_amount: limitUeau, window };
}

export type BudgetCharge =
  { ok: true; spent_ueau: number } | { ok: false; budget_limit: number; actual_spend: number; overage_amount: number };

/** Charges the budget; over the limit, refuses and reports the overage. */
export async function consumeBudget(db: Db, workspace: string, amountUeau: number): Promise<BudgetCharge> {
  if (!Number.isSafeInteger(amountUeau) || amountUeau < 0) throw refuse('amount_ueau', 'integer', 'must be a non-negative integer of uEAU');
  const row = await db
    .selectFrom('treasury_budgets')
    .select(['limit_ueau', 'spent_ueau'])
    .where('workspace_id', '=', workspace)
    .executeTakeFirst();
  if (!row) throw refuse('workspace_id', 'no_budget', `workspace ${workspace} has no budget allocation; allocate one first`);
  const after = Number(row.spent_ueau) + amountUeau;
  if (after > Number(row.limit_ueau))
    return { ok: false, budget_limit: Number(row.limit_ueau), actual_spend: after, overage_amount: after - Number(row.limit_ueau) };
  await db.updateTable('treasury_budgets').set({ spent_ueau: after }).where('workspace_id', '=', workspace).execute();
  return { ok: true, spent_ueau: after };
}

export async function budgetOf(db: Db, workspace: string): Promise<{ limit_ueau: number; spent_ueau: number } | undefined> {
  const row = await db
    .selectFrom('treasury_budgets')
    .select(['limit_ueau', 'spent_ueau'])
    .where('workspace_id', '=', workspace)
    .executeTakeFirst();
  return row ? { limit_ueau: Number(row.limit_ueau), spent_ueau: Number(row.spent_ueau) } : undefined;
}
