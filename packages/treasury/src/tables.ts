// The treasury's tables (prefixed treasury_). Amounts are BIGINT integers in the minor unit of
// their account (uEAU for EAU, mJ for energy). An entry's signed amount adds to its account's
// balance: the debited side of a transfer is negative, the credited side positive.
export interface TreasuryAccountRow {
  workspace_id: string;
  account_id: string;
  account_type: 'asset' | 'liability' | 'equity' | 'revenue' | 'expense';
  unit: string;
  state: 'active' | 'frozen' | 'closed';
  no_overdraft: number;
  balance: number;
}

export interface TreasuryTransactionRow {
  workspace_id: string;
  transaction_id: string;
  idempotency_key: string;
  body_hash: string;
  reference_id: string;
  policy_bundle_id: string;
  created_at: string;
}

export interface TreasuryEntryRow {
  workspace_id: string;
  transaction_id: string;
  position: number;
  account_id: string;
  unit: string;
  amount: number;
}

export interface TreasuryBudgetRow {
  workspace_id: string;
  limit_ueau: number;
  spent_ueau: number;
  budget_window: string;
}

export interface TreasuryIntentRow {
  workspace_id: string;
  intent_id: string;
  workflow_id: string;
  scope_type: string;
  scope_id: string;
  cap_amount: number;
  spent_amount: number;
  budget_window: string;
  ttl_ms: number;
  created_at_ms: number;
  status: 'pending' | 'approved' | 'revoked';
  /** Most spends per window (velocity limit); 0 = no limit. */
  velocity_limit: number;
  spends_in_window: number;
  window_started_ms: number;
}

export interface TreasuryEscrowRow {
  workspace_id: string;
  escrow_id: string;
  contract_id: string;
  payer_account: string;
  payee_account: string;
  amount: number;
  unit: string;
  status: 'held' | 'released' | 'refunded';
  expires_at_ms: number;
}

export interface TreasuryTables {
  treasury_intents: TreasuryIntentRow;
  treasury_escrows: TreasuryEscrowRow;
  treasury_accounts: TreasuryAccountRow;
  treasury_transactions: TreasuryTransactionRow;
  treasury_entries: TreasuryEntryRow;
  treasury_budgets: TreasuryBudgetRow;
}
