// User budgets against the database budget gate's workspace budgets: a user's initial budget is
// carved out of the workspace budget at onboarding (refused if the workspace cannot spare it),
// and what the user did not spend goes back (or is forfeited, or transferred) at offboarding.
import type { Database } from '@kush/runtime';
import type { Kysely } from 'kysely';
import { accepted, controlIssue, refused, type Refusable } from '../control-error.js';
import type { ControlTables } from '../store/control-tables.js';
import type { ResidualDisposal, UserBudgetLedger } from './user-budgets.js';

export class DatabaseUserBudgets implements UserBudgetLedger {
  readonly #db: Kysely<ControlTables>;

  constructor(database: Database<unknown>) {
    this.#db = database.db as Kysely<ControlTables>;
  }

  async allocate(r: {
    workspace_id: string;
    user_id: string;
    amount_ueau: number;
    idempotency_key: string;
  }): Promise<Refusable<{ account_id: string }>> {
    const account_id = `${r.workspace_id}:user:${r.user_id}:budget`;
    return this.#db.transaction().execute(async (trx) => {
      const done = await trx
        .selectFrom('control_charges')
        .select('amount_ueau')
        .where('idempotency_key', '=', r.idempotency_key)
        .executeTakeFirst();
      if (done) return accepted({ account_id });
      const budget = await trx
        .selectFrom('control_budgets')
        .select(['limit_ueau', 'spent_ueau'])
        .where('workspace_id', '=', r.workspace_id)
        .executeTakeFirst();
      const free = budget ? Number(budget.limit_ueau) - Number(budget.spent_ueau) : 0;
      if (r.amount_ueau > free) {
        return refused(
          controlIssue(
            'BUDGET_EXCEEDED',
            'initial_budget_ueau',
            `workspace ${r.workspace_id} has ${free} uEAU unspent; cannot allocate ${r.amount_ueau}`,
          ),
        );
      }
      if (r.amount_ueau > 0) {
        await trx
          .updateTable('control_budgets')
          .set({ limit_ueau: Number(budget!.limit_ueau) - r.amount_ueau })
          .where('workspace_id', '=', r.workspace_id)
          .execute();
      }
      await trx
        .insertInto('control_charges')
        .values({
          idempotency_key: r.idempotency_key,
          workspace_id: r.workspace_id,
          amount_ueau: r.amount_ueau,
          tool_name: '(user allocation)',
          workflow_id: '',
          task_id: account_id,
          created_at: '',
        })
        .execute();
      return accepted({ account_id });
    });
  }

  async dispose(r: {
    workspace_id: string;
    user_id: string;
    action: ResidualDisposal;
    recipient_id: string | undefined;
    idempotency_key: string;
  }): Promise<Refusable<{ amount_ueau: number; recipient_id: string }>> {
    return this.#db.transaction().execute(async (trx) => {
      const user = await trx
        .selectFrom('control_users')
        .select('initial_budget_ueau')
        .where('workspace_id', '=', r.workspace_id)
        .where('user_id', '=', r.user_id)
        .executeTakeFirst();
      const amount = Number(user?.initial_budget_ueau ?? 0);
      const recipient =
        r.action === 'returned_to_workspace'
          ? `${r.workspace_id}:budget`
          : r.action === 'forfeited'
            ? `${r.workspace_id}:forfeited`
            : r.recipient_id!;
      const done = await trx
        .selectFrom('control_charges')
        .select('amount_ueau')
        .where('idempotency_key', '=', r.idempotency_key)
        .executeTakeFirst();
      if (done) return accepted({ amount_ueau: Number(done.amount_ueau), recipient_id: recipient });
      if (r.action === 'returned_to_workspace' && amount > 0) {
        const budget = await trx
          .selectFrom('control_budgets')
          .select('limit_ueau')
          .where('workspace_id', '=', r.workspace_id)
          .executeTakeFirst();
        await trx
          .updateTable('control_budgets')
          .set({ limit_ueau: Number(budget?.limit_ueau ?? 0) + amount })
          .where('workspace_id', '=', r.workspace_id)
          .execute();
      }
      await trx
        .insertInto('control_charges')
        .values({
          idempotency_key: r.idempotency_key,
          workspace_id: r.workspace_id,
          amount_ueau: amount,
          tool_name: `(user disposal: ${r.action})`,
          workflow_id: '',
          task_id: recipient,
          created_at: '',
        })
        .execute();
      return accepted({ amount_ueau: amount, recipient_id: recipient });
    });
  }
}
