// @kush/runtime: what every service part shares and nothing domain-specific.
export * from './config.js';
export * from './logger.js';
export * from './database.js';
export * from './clock.js';
export * from './ids.js';
export * from './service-probe.js';
export * from './migrations.js';
