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

export interface TreasuryTables {
  treasury_accounts: TreasuryAccountRow;
  treasury_transactions: TreasuryTransactionRow;
  treasury_entries: TreasuryEntryRow;
  treasury_budgets: TreasuryBudgetRow;
}
