// Taxonomy 1.2: policy evaluation (policy.*).
import { Type } from '@sinclair/typebox';
import { POLICY_TYPES, SEVERITY_LEVELS_CIV } from '../enums.js';
import { Count, DurationMs, EntityId, Enum, Payload, PolicyBundleId, SnakeCase, TickId } from '../primitives.js';
import { defineEvent } from './definition.js';

const REF = ['EVENT_TAXONOMY 1.2', 'CIV-0100'];

export const civPolicyEvents = [
  defineEvent(
    'civ.policy.evaluated.v1',
    Payload(
      {
        tick_id: TickId(),
        policy_type: Enum(POLICY_TYPES, 'Policy family.'),
        policy_bundle_id: PolicyBundleId(),
        control_decision: SnakeCase('Control action selected, e.g. raise_tax_rate, subsidize_sector_energy, no_change.'),
        affected_entity_count: Count('Entities the decision applies to.'),
        evaluation_duration_ms: DurationMs('Modelled cost of policy.evaluate() in milliseconds, for Venture tool budgeting.'),
      },
      'Records policy evaluation and the control decision.',
    ),
    REF,
    {
      tick_id: 3,
      policy_type: 'fiscal',
      policy_bundle_id: 'default@1',
      control_decision: 'raise_tax_rate',
      affected_entity_count: 100,
      evaluation_duration_ms: 0.4,
    },
  ),
  defineEvent(
    'civ.policy.applied.v1',
    Payload(
      {
        tick_id: TickId(),
        policy_type: Enum(POLICY_TYPES, 'Policy family.'),
        control_decision: SnakeCase('Control action applied.'),
        entities_affected: Count('Entities changed by the application.'),
        ledger_updates_count: Count('Ledger transfers the application booked.'),
        state_delta: Type.Record(
          Type.String({ pattern: '^[a-z][a-z0-9_]*$' }),
          Type.Union([Type.Number(), Type.String(), Type.Boolean(), Type.Null()]),
          {
            description: 'Changed parameters and aggregates, name to new value (numbers in their documented units).',
          },
        ),
      },
      'Records the actual application of a policy control.',
    ),
    REF,
    {
      tick_id: 3,
      policy_type: 'fiscal',
      control_decision: 'raise_tax_rate',
      entities_affected: 100,
      ledger_updates_count: 100,
      state_delta: { income_tax_bp: 1200 },
    },
  ),
  defineEvent(
    'civ.policy.constraint_violation.v1',
    Payload(
      {
        tick_id: TickId(),
        constraint_name: SnakeCase('Constraint of the minimal set (CIV-0104), e.g. conservation, legitimacy_floor, capture_threshold.'),
        entity_id: EntityId('Entity (region, institution, account) where the constraint failed.'),
        actual_value: Type.Number({ description: 'Measured value.' }),
        max_value: Type.Number({ description: 'Bound the value must respect (a floor for lower-bound constraints).' }),
        severity_level: Enum(SEVERITY_LEVELS_CIV, 'Severity.'),
      },
      'Records a violated constraint (CIV-0104).',
    ),
    [...REF, 'CIV-0104'],
    {
      tick_id: 9,
      constraint_name: 'legitimacy_floor',
      entity_id: 'institution:2',
      actual_value: 0.18,
      max_value: 0.25,
      severity_level: 'warning',
    },
  ),
];
