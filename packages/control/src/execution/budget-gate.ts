// The seam to the treasury: a tool call's cost is authorized and charged to the workspace budget
// before the call runs. Same idempotency key, same charge: a redelivered task is charged once.
export interface ChargeRequest {
  readonly workspace_id: string;
  readonly amount_ueau: number;
  /** `<task idempotency key>:<attempt>:<call index>`. */
  readonly idempotency_key: string;
  readonly workflow_id: string;
  readonly task_id: string;
  readonly tool_name: string;
  readonly policy_bundle_id: string;
  readonly trace_id: string;
  readonly created_at: string;
}

export type ChargeResult =
  | { readonly ok: true; readonly charged_ueau: number }
  | {
      readonly ok: false;
      readonly code: 'BUDGET_EXCEEDED' | 'NO_BUDGET' | 'CHARGE_REFUSED';
      readonly message: string;
      readonly budget_limit: number;
      readonly actual_spend: number;
      readonly overage_amount: number;
      /** True when the gate already published venture.budget.exceeded itself. */
      readonly reported: boolean;
    };

export interface BudgetGate {
  charge(request: ChargeRequest): Promise<ChargeResult>;
}

/** Budgets kept in memory: for unit tests and for runs that have no treasury. */
export class MemoryBudgetGate implements BudgetGate {
  readonly #limits = new Map<string, number>();
  readonly #spent = new Map<string, number>();
  readonly #charges = new Map<string, number>();

  setLimit(workspaceId: string, limit_ueau: number): void {
    this.#limits.set(workspaceId, limit_ueau);
  }

  spent(workspaceId: string): number {
    return this.#spent.get(workspaceId) ?? 0;
  }

  chargeCount(): number {
    return this.#charges.size;
  }

  async charge(request: ChargeRequest): Promise<ChargeResult> {
    const previous = this.#charges.get(request.idempotency_key);
    if (previous !== undefined) return { ok: true, charged_ueau: previous };
    const limit = this.#limits.get(request.workspace_id);
    const spent = this.spent(request.workspace_id);
    if (limit === undefined) {
      return {
        ok: false,
        code: 'NO_BUDGET',
        message: `workspace ${request.workspace_id} has no budget`,
        budget_limit: 0,
        actual_spend: spent + request.amount_ueau,
        overage_amount: spent + request.amount_ueau,
        reported: false,
      };
    }
    if (spent + request.amount_ueau > limit) {
      const actual = spent + request.amount_ueau;
      return {
        ok: false,
        code: 'BUDGET_EXCEEDED',
        message: `workspace ${request.workspace_id}: charging ${request.amount_ueau} uEAU for ${request.tool_name} would spend ${actual} of ${limit} uEAU`,
        budget_limit: limit,
        actual_spend: actual,
        overage_amount: actual - limit,
        reported: false,
      };
    }
    this.#spent.set(request.workspace_id, spent + request.amount_ueau);
    this.#charges.set(request.idempotency_key, request.amount_ueau);
    return { ok: true, charged_ueau: request.amount_ueau };
  }
}
