// Taxonomy 2.6: users and multi-tenancy (user.*).
import { Type } from '@sinclair/typebox';
import { AGENT_ROLES, CAPABILITY_TIERS, SIGNAL_TYPES } from '../enums.js';
import { EntityId, Enum, MicroEau, Payload, SnakeCase, WorkspaceId } from '../primitives.js';
import { defineEvent } from './definition.js';

const REF = ['EVENT_TAXONOMY 2.6', 'USER_SPEC'];
const User = () => EntityId('User id.');
const Tier = (d: string) => Enum(CAPABILITY_TIERS, d);

export const ventureUserEvents = [
  defineEvent(
    'venture.user.onboarded.v1',
    Payload(
      {
        user_id: User(),
        role: Enum(AGENT_ROLES, 'Role.'),
        workspace_id: WorkspaceId(),
        capability_tier: Tier('Capability tier.'),
        initial_budget_eau: MicroEau('Initial budget.'),
      },
      'Records a new user.',
    ),
    REF,
    { user_id: 'user:ada', role: 'analyst', workspace_id: 'acme', capability_tier: 'tier_2_standard', initial_budget_eau: 10000000 },
  ),
  defineEvent(
    'venture.user.capability_changed.v1',
    Payload(
      { user_id: User(), old_capability_tier: Tier('Tier before.'), new_capability_tier: Tier('Tier after.'), reason: SnakeCase('Why.') },
      'Records a capability change.',
    ),
    REF,
    { user_id: 'user:ada', old_capability_tier: 'tier_2_standard', new_capability_tier: 'tier_1_advanced', reason: 'career_change' },
  ),
  defineEvent(
    'venture.user.activity_signal.v1',
    Payload(
      {
        user_id: User(),
        signal_type: Enum(SIGNAL_TYPES, 'Signal.'),
        metric_value: Type.Number({ minimum: -1e15, maximum: 1e15, description: 'Value; range depends on signal_type (rates in [0, 1]).' }),
        observation_window: Type.String({ minLength: 1, maxLength: 64, description: 'Window, e.g. last_7_days or tick:120.' }),
      },
      'Records a user behaviour metric.',
    ),
    REF,
    { user_id: 'user:ada', signal_type: 'task_completion_rate', metric_value: 0.92, observation_window: 'last_7_days' },
  ),
  defineEvent(
    'venture.user.offboarded.v1',
    Payload(
      {
        user_id: User(),
        offboarding_reason: SnakeCase('Why.'),
        residual_budget_disposal: Type.Object(
          {
            action: Enum(['returned_to_workspace', 'transferred', 'forfeited'] as const, 'What happened to the remaining budget.'),
            amount: MicroEau('Remaining budget disposed of.'),
            recipient_id: EntityId('Account that received it.'),
          },
          { additionalProperties: false, description: 'Disposal of the remaining budget.' },
        ),
      },
      'Records a user deactivation.',
    ),
    REF,
    {
      user_id: 'user:ada',
      offboarding_reason: 'contract_ended',
      residual_budget_disposal: { action: 'returned_to_workspace', amount: 2500000, recipient_id: 'acme:asset:budget' },
    },
  ),
];
