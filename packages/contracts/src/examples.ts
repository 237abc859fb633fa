// One valid envelope per event type, built deterministically (used by `kush schemas example`,
// the tests, and the benchmark).
import { createEnvelope, type EventEnvelopeV1 } from './envelope.js';
import { deterministicUuid } from './ids.js';
import { defaultRegistry } from './registry.js';

export const EXAMPLE_CREATED_AT = '2026-02-21T00:00:00.000Z';

export function exampleEnvelope(eventType: string, registry = defaultRegistry): EventEnvelopeV1 | undefined {
  const entry = registry.get(eventType);
  if (!entry?.example) return undefined;
  return createEnvelope({
    event_id: deterministicUuid('example.event', eventType),
    event_type: eventType,
    workflow_id: deterministicUuid('example.workflow'),
    task_id: deterministicUuid('example.task', eventType),
    trace_id: deterministicUuid('example.trace'),
    policy_bundle_id: 'default@1',
    payload: structuredClone(entry.example),
    created_at: EXAMPLE_CREATED_AT,
  });
}
