// Builders of the events Track C emits. Event ids derive from what the event is about (task id and
// attempt, workflow id, ...): a redelivered task that re-emits an event emits the same id, and the
// bus and the fold drop the duplicate.
import { createEnvelope, deterministicUuid, type AgentRole, type EventEnvelopeV1 } from '@kush/contracts';

export const WORKFLOW_STARTED = 'venture.workflow.started.v1';
export const WORKFLOW_COMPLETED = 'venture.workflow.completed.v1';
export const WORKFLOW_FAILED = 'venture.workflow.failed.v1';
export const TASK_SCHEDULED = 'venture.task.scheduled.v1';
export const TASK_STARTED = 'venture.task.started.v1';
export const TASK_COMPLETED = 'venture.task.completed.v1';
export const TASK_FAILED = 'venture.task.failed.v1';
export const VIOLATION_DETECTED = 'venture.compliance.violation_detected.v1';
export const POLICY_DRIFT = 'venture.compliance.policy_drift.v1';
export const BUDGET_EXCEEDED = 'venture.budget.exceeded.v1';
export const AUDIT_LOG_ENTRY = 'venture.audit.log_entry.v1';

/** Where an event sits: the workflow (and trace, bundle) it belongs to, and when it happened. */
export interface EventPlace {
  readonly workflow_id: string;
  readonly trace_id: string;
  readonly policy_bundle_id: string;
  readonly created_at: string;
}

function envelope<P extends Record<string, unknown>>(
  type: string,
  place: EventPlace,
  taskId: string,
  idParts: ReadonlyArray<string | number>,
  payload: P,
  eventId: string = deterministicUuid(type, ...idParts),
): EventEnvelopeV1<P> {
  return createEnvelope({
    event_id: eventId,
    event_type: type,
    workflow_id: place.workflow_id,
    // Workflow-level events carry the workflow id as their task id: the envelope requires one.
    task_id: taskId,
    trace_id: place.trace_id,
    policy_bundle_id: place.policy_bundle_id,
    payload,
    created_at: place.created_at,
  });
}

export const workflowStarted = (place: EventPlace, p: { agent_role: AgentRole; workspace_id: string; initial_task_count: number }) =>
  envelope(WORKFLOW_STARTED, place, place.workflow_id, [place.workflow_id], {
    workflow_id: place.workflow_id,
    agent_role: p.agent_role,
    workspace_id: p.workspace_id,
    initial_task_count: p.initial_task_count,
    policy_bundle_id: place.policy_bundle_id,
  });

export const workflowCompleted = (
  place: EventPlace,
  p: { status: 'completed' | 'cancelled'; task_count_executed: number; event_count: number; duration_ms: number },
) => envelope(WORKFLOW_COMPLETED, place, place.workflow_id, [place.workflow_id], { workflow_id: place.workflow_id, ...p });

export const workflowFailed = (place: EventPlace, p: { error_code: string; error_message: string; task_id_when_failed: string }) =>
  envelope(WORKFLOW_FAILED, place, place.workflow_id, [place.workflow_id], { workflow_id: place.workflow_id, ...p });

export const taskScheduled = (place: EventPlace, p: { task_id: string; attempt: number; task_type: string; estimated_eau_cost: number }) =>
  envelope(TASK_SCHEDULED, place, p.task_id, [p.task_id, p.attempt], {
    task_id: p.task_id,
    workflow_id: place.workflow_id,
    task_type: p.task_type,
    estimated_eau_cost: p.estimated_eau_cost,
  });

export const taskStarted = (
  place: EventPlace,
  p: { task_id: string; attempt: number; agent_role: AgentRole; tool_calls_expected: number },
) =>
  envelope(TASK_STARTED, place, p.task_id, [p.task_id, p.attempt], {
    task_id: p.task_id,
    workflow_id: place.workflow_id,
    agent_role: p.agent_role,
    tool_calls_expected: p.tool_calls_expected,
  });

export const taskCompleted = (
  place: EventPlace,
  p: {
    task_id: string;
    attempt: number;
    status: 'completed' | 'compensated';
    tool_calls_count: number;
    actual_eau_cost: number;
    duration_ms: number;
  },
) =>
  envelope(TASK_COMPLETED, place, p.task_id, [p.task_id, p.attempt], {
    task_id: p.task_id,
    workflow_id: place.workflow_id,
    status: p.status,
    tool_calls_count: p.tool_calls_count,
    actual_eau_cost: p.actual_eau_cost,
    duration_ms: p.duration_ms,
  });

/** What a failed attempt leaves behind; `will_retry` tells the fold whether the task is retrying or failed. */
export interface FailureResults extends Record<string, unknown> {
  readonly attempt: number;
  readonly will_retry: boolean;
  readonly tool_calls_completed: number;
  readonly actual_eau_cost: number;
}

export const taskFailed = (
  place: EventPlace,
  p: { task_id: string; attempt: number; error_code: string; error_message: string; partial_results: FailureResults; abandoned?: boolean },
) =>
  envelope(TASK_FAILED, place, p.task_id, p.abandoned ? [p.task_id, p.attempt, 'abandoned'] : [p.task_id, p.attempt], {
    task_id: p.task_id,
    workflow_id: place.workflow_id,
    error_code: p.error_code,
    error_message: p.error_message.slice(0, 4096),
    partial_results: p.partial_results,
  });

export const violationDetected = (
  place: EventPlace,
  p: {
    task_id: string;
    attempt: number;
    call_index: number;
    violation_type: string;
    severity_level: 'critical' | 'high' | 'medium' | 'low' | 'warning';
    remediation_action: 'suspend_workflow' | 'revoke_authorization' | 'escalate_to_human' | 'auto_remediate';
  },
) => {
  const violation_id = deterministicUuid('kush.control.violation', p.task_id, p.attempt, p.call_index);
  return envelope(VIOLATION_DETECTED, place, p.task_id, [p.task_id, p.attempt, p.call_index], {
    violation_id,
    violation_type: p.violation_type,
    severity_level: p.severity_level,
    affected_workflow_id: place.workflow_id,
    remediation_action: p.remediation_action,
  });
};

export const budgetExceeded = (
  place: EventPlace,
  p: {
    task_id: string;
    attempt: number;
    call_index: number;
    workspace_id: string;
    budget_limit: number;
    actual_spend: number;
    overage_amount: number;
  },
) =>
  envelope(BUDGET_EXCEEDED, place, p.task_id, [p.task_id, p.attempt, p.call_index], {
    workspace_id: p.workspace_id,
    budget_limit: p.budget_limit,
    actual_spend: p.actual_spend,
    overage_amount: p.overage_amount,
  });

export const policyDrift = (place: EventPlace, p: { expected_bundle_id: string; actual_bundle_id: string; diff_summary: string }) =>
  envelope(POLICY_DRIFT, place, place.workflow_id, [place.workflow_id, p.expected_bundle_id, p.actual_bundle_id], {
    drift_id: deterministicUuid('kush.control.drift', place.workflow_id, p.expected_bundle_id, p.actual_bundle_id),
    expected_bundle_id: p.expected_bundle_id,
    actual_bundle_id: p.actual_bundle_id,
    diff_summary: p.diff_summary.slice(0, 4096),
  });

/** One audit entry per task attempt: the agent's stated reasoning next to each outcome. */
export const agentActionLogged = (place: EventPlace, p: { task_id: string; attempt: number; actor_id: string; change_summary: string }) => {
  // The audit entry's id is its event's id: one derived id instead of two.
  const log_id = deterministicUuid(AUDIT_LOG_ENTRY, p.task_id, p.attempt);
  return envelope(
    AUDIT_LOG_ENTRY,
    place,
    p.task_id,
    [],
    {
      log_id,
      action_type: 'agent_action',
      actor_id: p.actor_id,
      resource_id: `task:${p.task_id}`,
      change_summary: p.change_summary.slice(0, 4096),
      timestamp: place.created_at,
    },
    log_id,
  );
};
