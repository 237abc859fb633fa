// @kush/bus: the event bus (embedded SQLite adapter), subject filters and exactly-once consumers.
export * from './bus-error.js';
export * from './event-bus.js';
export * from './subject-filter.js';
export * from './embedded-bus.js';
export * from './exactly-once.js';
export * from './open-bus.js';
export { busMigrations } from './bus-migrations.js';
export * from './nats-bus.js';
export * from './outbox.js';
export * from './bus-export.js';
export * from './work-queue.js';
export * from './nats-work-queue.js';
