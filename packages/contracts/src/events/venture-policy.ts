// Taxonomy 2.5: policy and governance (policy.*).
import { Type } from '@sinclair/typebox';
import { DateTime, JsonObject, Payload, SnakeCase, Uuid } from '../primitives.js';
import { defineEvent } from './definition.js';

const REF = ['EVENT_TAXONOMY 2.5', 'TRACK_C_CONTROL_PLANE'];
const EVAL = '8d6f5e4a-3b2c-5dbe-86af-c9d0e1f2a3b4';
const BundleRef = (d: string) => Type.String({ minLength: 1, maxLength: 128, description: `${d} \`<name>@<version>\`.` });

export const venturePolicyEvents = [
  defineEvent(
    'venture.policy.bundle_published.v1',
    Payload(
      {
        bundle_id: BundleRef('Bundle.'),
        version: Type.Integer({ minimum: 1, maximum: 999_999_999, description: 'Bundle version, increasing per bundle name.' }),
        schema_snapshot: JsonObject('The bundle content (rules and parameters) with its SHA-256 content hash.'),
        published_at: DateTime('Publication time.'),
        effective_at: DateTime('When it takes effect.'),
      },
      'Records a new policy bundle.',
    ),
    REF,
    {
      bundle_id: 'default@2',
      version: 2,
      schema_snapshot: { content_hash: 'sha256:0', rules: [] },
      published_at: '2026-02-21T00:00:00.000Z',
      effective_at: '2026-02-21T00:00:00.000Z',
    },
  ),
  defineEvent(
    'venture.policy.evaluation_started.v1',
    Payload(
      {
        evaluation_id: Uuid('Evaluation.'),
        bundle_id: BundleRef('Bundle.'),
        context_snapshot: JsonObject('Context the rules are evaluated over.'),
        decision_pending: Type.Boolean({ description: 'True until decision_made is emitted.' }),
      },
      'Marks a policy evaluation start.',
    ),
    REF,
    { evaluation_id: EVAL, bundle_id: 'default@1', context_snapshot: { tool: 'web_search', role: 'analyst' }, decision_pending: true },
  ),
  defineEvent(
    'venture.policy.decision_made.v1',
    Payload(
      {
        decision_id: Uuid('Decision (same id as its evaluation).'),
        bundle_id: BundleRef('Bundle.'),
        decision_result: SnakeCase('allow, deny, reject_with_escalation, require_approval, ...'),
        supporting_facts: Type.Array(
          Type.Object(
            { rule_id: Type.String({ minLength: 1, maxLength: 128 }), fact: Type.String({ maxLength: 1024 }) },
            { additionalProperties: false },
          ),
          { maxItems: 256, description: 'Facts from the context that drove the decision, with the rule that used them.' },
        ),
      },
      'Records a policy decision.',
    ),
    REF,
    {
      decision_id: EVAL,
      bundle_id: 'default@1',
      decision_result: 'allow',
      supporting_facts: [{ rule_id: 'r1', fact: 'role in [analyst, engineer]' }],
    },
  ),
  defineEvent(
    'venture.policy.rollback_initiated.v1',
    Payload(
      {
        rollback_id: Uuid('Rollback.'),
        bundle_id_being_revoked: BundleRef('Bundle revoked.'),
        new_bundle_id: BundleRef('Bundle restored.'),
        affected_workflows: Type.Array(Uuid('Workflow.'), {
          maxItems: 10000,
          description: 'Running workflows pinned to the revoked bundle.',
        }),
      },
      'Records a policy revocation and recovery.',
    ),
    REF,
    { rollback_id: EVAL, bundle_id_being_revoked: 'default@2', new_bundle_id: 'default@1', affected_workflows: [] },
  ),
];
