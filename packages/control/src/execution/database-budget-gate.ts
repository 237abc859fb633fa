// Workspace budgets in the shared database, for runs without the treasury: a limit per
// workspace, and one row per charge keyed by its idempotency key, so a redelivered task is
// charged once. The check and the charge happen in one transaction.
import type { Database } from '@kush/runtime';
import type { Kysely } from 'kysely';
import type { ControlTables } from '../store/control-tables.js';
import type { BudgetGate, ChargeRequest, ChargeResult } from './budget-gate.js';

export class DatabaseBudgetGate implements BudgetGate {
  readonly #db: Kysely<ControlTables>;

  constructor(private readonly database: Database<unknown>) {
    this.#db = database.db as Kysely<ControlTables>;
  }

  async setLimit(workspaceId: string, limit_ueau: number): Promise<void> {
    await this.#db
      .insertInto('control_budgets')
      .values({ workspace_id: workspaceId, limit_ueau, spent_ueau: 0 })
      .onConflict((oc) => oc.column('workspace_id').doUpdateSet({ limit_ueau }))
      .execute();
  }

  async budget(workspaceId: string): Promise<{ limit_ueau: number; spent_ueau: number } | undefined> {
    return this.#db
      .selectFrom('control_budgets')
      .select(['limit_ueau', 'spent_ueau'])
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirst();
  }

  charge(request: ChargeRequest): Promise<ChargeResult> {
    return this.#db.transaction().execute(async (trx) => {
      const done = await trx
        .selectFrom('control_charges')
        .select('amount_ueau')
        .where('idempotency_key', '=', request.idempotency_key)
        .executeTakeFirst();
      if (done) return { ok: true, charged_ueau: Number(done.amount_ueau) };
      let q = trx.selectFrom('control_budgets').select(['limit_ueau', 'spent_ueau']).where('workspace_id', '=', request.workspace_id);
      if (this.database.dialect === 'postgres') q = q.forUpdate();
      const budget = await q.executeTakeFirst();
      const spent = Number(budget?.spent_ueau ?? 0);
      const actual = spent + request.amount_ueau;
      if (!budget || actual > Number(budget.limit_ueau)) {
        const limit = Number(budget?.limit_ueau ?? 0);
        return {
          ok: false,
          code: budget ? 'BUDGET_EXCEEDED' : 'NO_BUDGET',
          message: budget
            ? `workspace ${request.workspace_id}: charging ${request.amount_ueau} uEAU for ${request.tool_name} would spend ${actual} of ${limit} uEAU`
            : `workspace ${request.workspace_id} has no budget (set one with \`kush workspace create --budget-eau\`)`,
          budget_limit: limit,
          actual_spend: actual,
          overage_amount: actual - limit,
          reported: false,
        } as const;
      }
      await trx.updateTable('control_budgets').set({ spent_ueau: actual }).where('workspace_id', '=', request.workspace_id).execute();
      await trx
        .insertInto('control_charges')
        .values({
          idempotency_key: request.idempotency_key,
          workspace_id: request.workspace_id,
          amount_ueau: request.amount_ueau,
          tool_name: request.tool_name,
          workflow_id: request.workflow_id,
          task_id: request.task_id,
          created_at: request.created_at,
        })
        .execute();
      return { ok: true, charged_ueau: request.amount_ueau } as const;
    });
  }
}
