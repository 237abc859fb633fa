// Taxonomy 3.1: a CIV event becomes a Venture event: namespace civ.* -> venture.civ.*, the same
// payload, workflow = the simulation run (1:1), task = the tick, trace kept, and the replay token
// formed from the source event id, the relaying system and the timestamp.
import { createEnvelope, deterministicUuid, relayedEventType, replayToken, type EventEnvelopeV1 } from '@kush/contracts';

export function relayEnvelope(civ: EventEnvelopeV1): EventEnvelopeV1 {
  if (civ.source_system !== 'civ' || !civ.event_type.startsWith('civ.')) {
    throw new Error(`event_type: only civ.* events are relayed (got ${civ.event_type})`);
  }
  return createEnvelope({
    event_id: deterministicUuid('relay.event', civ.event_id),
    event_type: relayedEventType(civ.event_type),
    workflow_id: civ.workflow_id,
    task_id: civ.task_id,
    trace_id: civ.trace_id,
    policy_bundle_id: civ.policy_bundle_id,
    payload: civ.payload,
    created_at: civ.created_at,
    replay_token: replayToken(civ.event_id, 'venture', civ.created_at),
  });
}
