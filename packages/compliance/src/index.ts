// @kush/compliance: cases, evidence chains, violations, policy drift and the audit hash chain.
export * from './audit-chain.js';
export * from './audit-log.js';
export * from './machine.js';
export * from './migrations.js';
export * from './policy-drift.js';
export * from './queries.js';
export type * from './tables.js';
