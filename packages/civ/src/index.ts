// @kush/civ: the deterministic simulation (pure engine) and its run directories.
export * from './chacha20.js';
export * from './scenario.js';
export * from './world.js';
export * from './ledger.js';
export * from './state-hash.js';
export * from './event-emitter.js';
export * from './engine.js';
export * from './run-directory/snapshot.js';
export * from './run-directory/run-directory.js';
export * from './run-directory/runner.js';
