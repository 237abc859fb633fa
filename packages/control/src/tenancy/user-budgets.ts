// The seam to the treasury for people: a user's initial EAU budget is allocated to them at
// onboarding, and what is left is disposed of at offboarding (returned to the workspace,
// transferred, or forfeited). Same idempotency key, same effect.
import type { Refusable } from '../control-error.js';

export const RESIDUAL_DISPOSALS = ['returned_to_workspace', 'transferred', 'forfeited'] as const;
export type ResidualDisposal = (typeof RESIDUAL_DISPOSALS)[number];

export interface UserBudgetLedger {
  allocate(request: {
    workspace_id: string;
    user_id: string;
    amount_ueau: number;
    idempotency_key: string;
  }): Promise<Refusable<{ account_id: string }>>;
  /** Moves the user's remaining budget as told; returns the amount and the account it went to. */
  dispose(request: {
    workspace_id: string;
    user_id: string;
    action: ResidualDisposal;
    recipient_id: string | undefined;
    idempotency_key: string;
  }): Promise<Refusable<{ amount_ueau: number; recipient_id: string }>>;
}

/** User budgets in memory, for tests and runs without a treasury. */
export class MemoryUserBudgets implements UserBudgetLedger {
  readonly balances = new Map<string, number>();
  readonly #done = new Map<string, unknown>();

  async allocate(r: {
    workspace_id: string;
    user_id: string;
    amount_ueau: number;
    idempotency_key: string;
  }): Promise<Refusable<{ account_id: string }>> {
    const account_id = `${r.workspace_id}:user:${r.user_id}:budget`;
    if (!this.#done.has(r.idempotency_key)) {
      this.balances.set(account_id, (this.balances.get(account_id) ?? 0) + r.amount_ueau);
      this.#done.set(r.idempotency_key, true);
    }
    return { ok: true, value: { account_id } };
  }

  async dispose(r: {
    workspace_id: string;
    user_id: string;
    action: ResidualDisposal;
    recipient_id: string | undefined;
    idempotency_key: string;
  }): Promise<Refusable<{ amount_ueau: number; recipient_id: string }>> {
    const done = this.#done.get(r.idempotency_key) as { amount_ueau: number; recipient_id: string } | undefined;
    if (done) return { ok: true, value: done };
    const account = `${r.workspace_id}:user:${r.user_id}:budget`;
    const amount = this.balances.get(account) ?? 0;
    const recipient =
      r.action === 'returned_to_workspace'
        ? `${r.workspace_id}:budget`
        : r.action === 'forfeited'
          ? `${r.workspace_id}:forfeited`
          : r.recipient_id!;
    this.balances.set(account, 0);
    this.balances.set(recipient, (this.balances.get(recipient) ?? 0) + amount);
    const value = { amount_ueau: amount, recipient_id: recipient };
    this.#done.set(r.idempotency_key, value);
    return { ok: true, value };
  }
}
