// @kush/contracts: the only language the other parts speak.
export * from './enums.js';
export * from './primitives.js';
export { isUuid, isDateTime } from './formats.js';
export * from './issues.js';
export * from './canonical-json.js';
export * from './ids.js';
export * from './envelope.js';
export * from './task-envelope.js';
export * from './compatibility.js';
export * from './registry.js';
export * from './examples.js';
export * from './json-schema-files.js';
export type { EventDefinition } from './events/definition.js';
export {
  CIV_EVENTS,
  VENTURE_EVENTS,
  EVENT_DEFINITIONS,
  EVENT_TYPES,
  CIV_EVENT_TYPES,
  VENTURE_EVENT_TYPES,
  relayedEventType,
  unrelayedEventType,
} from './events/catalog.js';
