// Builders of venture.policy.* events. Outside a workflow (publish, rollback, `kush policy eval`)
// the envelope's workflow and task ids are the workspace's scope id, a UUID derived from the
// workspace, because the envelope requires them.
import { createEnvelope, deterministicUuid, type EventEnvelopeV1 } from '@kush/contracts';
import type { EventPlace } from '../workflow/control-events.js';
import type { PolicyDecision, SupportingFact } from './policy-bundle.js';

export const POLICY_BUNDLE_PUBLISHED = 'venture.policy.bundle_published.v1';
export const POLICY_EVALUATION_STARTED = 'venture.policy.evaluation_started.v1';
export const POLICY_DECISION_MADE = 'venture.policy.decision_made.v1';
export const POLICY_ROLLBACK_INITIATED = 'venture.policy.rollback_initiated.v1';

/** The workflow/task id of a workspace's events that belong to no workflow (policy, users, audit). */
export const workspaceScopeId = (workspaceId: string): string => deterministicUuid('kush.control.workspace-scope', workspaceId);

export function workspacePlace(workspaceId: string, bundleId: string, createdAt: string): EventPlace {
  const scope = workspaceScopeId(workspaceId);
  return { workflow_id: scope, trace_id: scope, policy_bundle_id: bundleId, created_at: createdAt };
}

const make = (type: string, place: EventPlace, taskId: string, eventId: string, payload: Record<string, unknown>): EventEnvelopeV1 =>
  createEnvelope({
    event_id: eventId,
    event_type: type,
    workflow_id: place.workflow_id,
    task_id: taskId,
    trace_id: place.trace_id,
    policy_bundle_id: place.policy_bundle_id,
    payload,
    created_at: place.created_at,
  });

export const bundlePublished = (
  place: EventPlace,
  p: { bundle_id: string; version: number; content_hash: string; content: Record<string, unknown>; effective_at: string },
) =>
  make(POLICY_BUNDLE_PUBLISHED, place, place.workflow_id, deterministicUuid(POLICY_BUNDLE_PUBLISHED, place.workflow_id, p.bundle_id), {
    bundle_id: p.bundle_id,
    version: p.version,
    schema_snapshot: { content_hash: p.content_hash, ...p.content },
    published_at: place.created_at,
    effective_at: p.effective_at,
  });

/** evaluation_started then decision_made, sharing the evaluation id (`evaluationKey` makes it). */
export function decisionEvents(
  place: EventPlace,
  taskId: string,
  p: {
    evaluation_key: string;
    bundle_id: string;
    context: Record<string, unknown>;
    decision: PolicyDecision;
    facts: readonly SupportingFact[];
  },
): [EventEnvelopeV1, EventEnvelopeV1] {
  const evaluation_id = deterministicUuid('kush.control.policy-evaluation', p.evaluation_key);
  return [
    make(POLICY_EVALUATION_STARTED, place, taskId, deterministicUuid(POLICY_EVALUATION_STARTED, evaluation_id), {
      evaluation_id,
      bundle_id: p.bundle_id,
      context_snapshot: p.context,
      decision_pending: true,
    }),
    make(POLICY_DECISION_MADE, place, taskId, deterministicUuid(POLICY_DECISION_MADE, evaluation_id), {
      decision_id: evaluation_id,
      bundle_id: p.bundle_id,
      decision_result: p.decision,
      supporting_facts: p.facts.slice(0, 256),
    }),
  ];
}

export const rollbackInitiated = (
  place: EventPlace,
  p: { rollback_key: string; bundle_id_being_revoked: string; new_bundle_id: string; affected_workflows: readonly string[] },
) => {
  const rollback_id = deterministicUuid('kush.control.policy-rollback', p.rollback_key);
  return make(POLICY_ROLLBACK_INITIATED, place, place.workflow_id, deterministicUuid(POLICY_ROLLBACK_INITIATED, rollback_id), {
    rollback_id,
    bundle_id_being_revoked: p.bundle_id_being_revoked,
    new_bundle_id: p.new_bundle_id,
    affected_workflows: p.affected_workflows.slice(0, 10_000),
  });
};
