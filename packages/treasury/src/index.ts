// @kush/treasury: Track B money control.
export * from './treasury-error.js';
export * from './accounts.js';
export * from './ledger.js';
export * from './budgets.js';
export * from './reconciliation.js';
export * from './migrations.js';
export type * from './tables.js';
export * from './journal-export.js';
export * from './intents.js';
export * from './escrow.js';
