// EventEnvelopeV1: the one envelope every event travels in (taxonomy, "Event Envelope Contract").
import { Type, type Static } from '@sinclair/typebox';
import { SOURCE_SYSTEMS, type SourceSystem } from './enums.js';
import { replayToken } from './ids.js';
import { DateTime, Enum, PolicyBundleId, Uuid } from './primitives.js';

/** `<system>.<resource>.<action>.v<major>`; relayed CIV events add `civ`: `venture.civ.economy.transfer_booked.v1`. */
export const EVENT_TYPE_PATTERN = '^(civ|venture)(\\.civ)?\\.[a-z][a-z0-9_]*\\.[a-z][a-z0-9_]*\\.v[1-9][0-9]{0,3}$';
export const REPLAY_TOKEN_MAX_LENGTH = 512;

export const EventEnvelopeV1Schema = Type.Object(
  {
    event_id: Uuid('Unique event id.'),
    event_type: Type.String({ pattern: EVENT_TYPE_PATTERN, maxLength: 128, description: 'namespace.resource.action.version' }),
    workflow_id: Uuid('Parent workflow (for CIV events: the simulation run).'),
    task_id: Uuid('Parent task (for CIV events: the tick).'),
    trace_id: Uuid('End-to-end trace.'),
    policy_bundle_id: PolicyBundleId(),
    payload: Type.Object(
      {},
      {
        additionalProperties: true,
        ...{
          description: 'Event-specific data, validated against the payload schema of event_type.',
        },
      },
    ),
    created_at: DateTime('ISO 8601 with a zone. For simulation events, derived from simulation time.'),
    source_system: Enum(SOURCE_SYSTEMS, 'System that emitted the event.'),
    replay_token: Type.String({
      minLength: 1,
      maxLength: REPLAY_TOKEN_MAX_LENGTH,
      description: 'Idempotency key for deterministic replay: source event_id + source_system + timestamp.',
    }),
  },
  {
    additionalProperties: false,
    $id: 'EventEnvelopeV1',
    title: 'EventEnvelopeV1',
    description: 'The envelope of every Kush event: 10 required fields, no others.',
  },
);

export interface EventEnvelopeV1<P extends Record<string, unknown> = Record<string, unknown>> {
  event_id: string;
  event_type: string;
  workflow_id: string;
  task_id: string;
  trace_id: string;
  policy_bundle_id: string;
  payload: P;
  created_at: string;
  source_system: SourceSystem;
  replay_token: string;
}

// Compile-time check that the interface and the schema agree.
type SchemaEnvelope = Static<typeof EventEnvelopeV1Schema>;
const envelopeShapeAgrees: SchemaEnvelope extends EventEnvelopeV1 ? (EventEnvelopeV1 extends SchemaEnvelope ? true : never) : never = true;
void envelopeShapeAgrees;

/** The system an event type belongs to: its first segment. */
export const sourceSystemOf = (eventType: string): SourceSystem => (eventType.startsWith('civ.') ? 'civ' : 'venture');

export interface EnvelopeFields<P extends Record<string, unknown>> {
  event_id: string;
  event_type: string;
  workflow_id: string;
  task_id: string;
  trace_id: string;
  policy_bundle_id: string;
  payload: P;
  created_at: string;
  /** Defaults to the taxonomy's token: event_id + source_system + created_at. */
  replay_token?: string;
}

/** Builds an envelope with source_system taken from the event type and the taxonomy's replay token. */
export function createEnvelope<P extends Record<string, unknown>>(fields: EnvelopeFields<P>): EventEnvelopeV1<P> {
  const source_system = sourceSystemOf(fields.event_type);
  return {
    event_id: fields.event_id,
    event_type: fields.event_type,
    workflow_id: fields.workflow_id,
    task_id: fields.task_id,
    trace_id: fields.trace_id,
    policy_bundle_id: fields.policy_bundle_id,
    payload: fields.payload,
    created_at: fields.created_at,
    source_system,
    replay_token: fields.replay_token ?? replayToken(fields.event_id, source_system, fields.created_at),
  };
}

/** The version number of a policy bundle id `<name>@<version>`, or undefined. */
export function policyBundleVersion(policyBundleId: string): number | undefined {
  const at = policyBundleId.lastIndexOf('@');
  if (at < 0) return undefined;
  const n = Number(policyBundleId.slice(at + 1));
  return Number.isInteger(n) ? n : undefined;
}
