// @kush/relay: CIV events into Venture (taxonomy part 3).
export * from './translation.js';
export * from './energy-cost.js';
