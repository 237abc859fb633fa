// Policy drift: an event evaluated under a bundle other than the one its workflow was pinned to.
import { createEnvelope, deterministicUuid, type EventEnvelopeV1 } from '@kush/contracts';

/** The drift event for an event whose bundle differs from the pinned one, or undefined. */
export function detectPolicyDrift(event: EventEnvelopeV1, pinnedBundleId: string): EventEnvelopeV1 | undefined {
  if (event.policy_bundle_id === pinnedBundleId) return undefined;
  return createEnvelope({
    event_id: deterministicUuid('compliance.drift', event.event_id),
    event_type: 'venture.compliance.policy_drift.v1',
    workflow_id: event.workflow_id,
    task_id: event.task_id,
    trace_id: event.trace_id,
    policy_bundle_id: pinnedBundleId,
    payload: {
      drift_id: deterministicUuid('compliance.drift.id', event.event_id),
      expected_bundle_id: pinnedBundleId,
      actual_bundle_id: event.policy_bundle_id,
      diff_summary: `${event.event_type} ${event.event_id} carries ${event.policy_bundle_id}; the workflow is pinned to ${pinnedBundleId}`,
    },
    created_at: event.created_at,
  });
}
