// Taxonomy 1.1: simulation lifecycle (run.*, tick.*).
import { Type } from '@sinclair/typebox';
import {
  Count,
  DurationMs,
  ErrorCode,
  JsonObject,
  Payload,
  PolicyBundleId,
  SAFE_INTEGER_MAX,
  Sha256Hex,
  Text,
  TickId,
  Uuid,
} from '../primitives.js';
import { defineEvent } from './definition.js';

const REF = ['EVENT_TAXONOMY 1.1', 'CIV-0001'];
const RUN = '7a1e3c52-4b0f-5d2e-9c1a-2f3e4d5c6b7a';
const HASH = 'a3f1c2d4e5b6a7980112233445566778899aabbccddeeff00112233445566778';

export const civRunEvents = [
  defineEvent(
    'civ.run.started.v1',
    Payload(
      {
        run_id: Uuid('Simulation run id, immutable after creation.'),
        simulation_seed: Type.Integer({ minimum: 0, maximum: SAFE_INTEGER_MAX, description: 'RNG seed; pinned in replay.' }),
        tick_count_target: Count('Number of ticks the run is asked to execute.'),
        config_snapshot: JsonObject('The scenario and engine configuration the run started with.'),
        policy_bundle_id: PolicyBundleId(),
      },
      'Marks simulation initialization.',
    ),
    REF,
    { run_id: RUN, simulation_seed: 42, tick_count_target: 120, config_snapshot: { scenario: 'medium' }, policy_bundle_id: 'default@1' },
  ),
  defineEvent(
    'civ.run.completed.v1',
    Payload(
      {
        run_id: Uuid('Simulation run id.'),
        tick_count_executed: Count('Ticks executed.'),
        final_state_hash: Sha256Hex('SHA-256 of the canonical state after the last tick, lower-case hex.'),
        event_count: Count('Events the run emitted, this one included.'),
        duration_ms: DurationMs(),
      },
      'Marks simulation completion.',
    ),
    REF,
    { run_id: RUN, tick_count_executed: 120, final_state_hash: HASH, event_count: 5000, duration_ms: 812.5 },
  ),
  defineEvent(
    'civ.run.failed.v1',
    Payload(
      {
        run_id: Uuid('Simulation run id.'),
        error_code: ErrorCode(),
        error_message: Text('Human-readable cause.'),
        tick_id_when_failed: TickId(),
        state_snapshot: JsonObject('Diagnostic snapshot at failure (state hash, offending account, ...).'),
      },
      'Records a fatal error; the run stops.',
    ),
    REF,
    {
      run_id: RUN,
      error_code: 'CONSERVATION_VIOLATED',
      error_message: 'total over all accounts changed by 5 mJ',
      tick_id_when_failed: 17,
      state_snapshot: { state_hash: HASH },
    },
  ),
  defineEvent(
    'civ.tick.started.v1',
    Payload(
      {
        run_id: Uuid('Simulation run id.'),
        tick_id: TickId(),
        tick_sequence: Count('Position of this tick within the run, from 0.'),
        phase_order: Type.Array(Type.String({ pattern: '^[a-z][a-z0-9_]*$' }), {
          minItems: 1,
          maxItems: 64,
          description: 'Phase names in their deterministic execution order.',
        }),
      },
      'Marks tick initialization.',
    ),
    REF,
    { run_id: RUN, tick_id: 3, tick_sequence: 3, phase_order: ['demographic_policies', 'demographics', 'economic_policies'] },
  ),
  defineEvent(
    'civ.tick.completed.v1',
    Payload(
      {
        run_id: Uuid('Simulation run id.'),
        tick_id: TickId(),
        state_hash_after: Sha256Hex('SHA-256 of the canonical state after the tick.'),
        sub_events_count: Count('Events emitted within the tick, excluding tick.started and this one.'),
        duration_ms: DurationMs(),
        phase_hashes: Type.Array(
          Type.Object(
            { phase: Type.String({ pattern: '^[a-z][a-z0-9_]*$' }), state_hash: Sha256Hex('State hash after the phase.') },
            { additionalProperties: false },
          ),
          { maxItems: 64, description: 'State hash after each phase, in phase order.' },
        ),
      },
      'Marks tick completion with state verification.',
    ),
    REF,
    {
      run_id: RUN,
      tick_id: 3,
      state_hash_after: HASH,
      sub_events_count: 40,
      duration_ms: 1.2,
      phase_hashes: [{ phase: 'demographics', state_hash: HASH }],
    },
  ),
];
