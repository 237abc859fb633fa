// @kush/relay: CIV events into Venture (taxonomy part 3).
export * from './translation.js';
export * from './energy-cost.js';
export * from './citizen-signals.js';
export * from './migrations.js';
export type * from './tables.js';
export * from './ports.js';
export * from './relay.js';
export * from './outbox.js';
