// Taxonomy 2.1: workflow orchestration (workflow.*, task.*).
import { AGENT_ROLES } from '../enums.js';
import {
  Count,
  DurationMs,
  Enum,
  ErrorCode,
  JsonObject,
  MicroEau,
  Payload,
  PolicyBundleId,
  SnakeCase,
  Text,
  Uuid,
  WorkspaceId,
} from '../primitives.js';
import { defineEvent } from './definition.js';

const REF = ['EVENT_TAXONOMY 2.1', 'TRACK_C_CONTROL_PLANE'];
const WF = '0b8f9a7e-6d5c-5b4a-8392-a1b2c3d4e5f6';
const TASK = '1c9e8d7f-6a5b-5c4d-9e3f-b2c3d4e5f6a7';
const Role = () => Enum(AGENT_ROLES, 'Agent role.');
const TaskType = () => SnakeCase('Task type; matches tool categories (code, artifact, policy, compliance, civ_simulation, ...).');
const TASK_RESULT_STATUSES = ['completed', 'compensated'] as const;
const WORKFLOW_END_STATUSES = ['completed', 'cancelled'] as const;

export const ventureWorkflowEvents = [
  defineEvent(
    'venture.workflow.started.v1',
    Payload(
      {
        workflow_id: Uuid('Workflow.'),
        agent_role: Role(),
        workspace_id: WorkspaceId(),
        initial_task_count: Count('Tasks in the DAG at start.'),
        policy_bundle_id: PolicyBundleId(),
      },
      'Marks workflow initialization.',
    ),
    REF,
    { workflow_id: WF, agent_role: 'orchestrator', workspace_id: 'acme', initial_task_count: 3, policy_bundle_id: 'default@1' },
  ),
  defineEvent(
    'venture.workflow.completed.v1',
    Payload(
      {
        workflow_id: Uuid('Workflow.'),
        status: Enum(WORKFLOW_END_STATUSES, 'Terminal status reached without failure.'),
        task_count_executed: Count('Tasks executed.'),
        event_count: Count('Events the workflow produced.'),
        duration_ms: DurationMs(),
      },
      'Marks workflow completion.',
    ),
    REF,
    { workflow_id: WF, status: 'completed', task_count_executed: 3, event_count: 12, duration_ms: 52 },
  ),
  defineEvent(
    'venture.workflow.failed.v1',
    Payload(
      {
        workflow_id: Uuid('Workflow.'),
        error_code: ErrorCode(),
        error_message: Text('Cause.'),
        task_id_when_failed: Uuid('Task whose failure failed the workflow.'),
      },
      'Records a fatal workflow error.',
    ),
    REF,
    { workflow_id: WF, error_code: 'TASK_RETRIES_EXHAUSTED', error_message: 'task fetch failed 3 times', task_id_when_failed: TASK },
  ),
  defineEvent(
    'venture.task.scheduled.v1',
    Payload(
      { task_id: Uuid('Task.'), workflow_id: Uuid('Workflow.'), task_type: TaskType(), estimated_eau_cost: MicroEau('Estimated cost.') },
      'Marks task scheduling.',
    ),
    REF,
    { task_id: TASK, workflow_id: WF, task_type: 'civ_simulation', estimated_eau_cost: 2000000 },
  ),
  defineEvent(
    'venture.task.started.v1',
    Payload(
      { task_id: Uuid('Task.'), workflow_id: Uuid('Workflow.'), agent_role: Role(), tool_calls_expected: Count('Tool calls planned.') },
      'Marks task execution start.',
    ),
    REF,
    { task_id: TASK, workflow_id: WF, agent_role: 'engineer', tool_calls_expected: 2 },
  ),
  defineEvent(
    'venture.task.completed.v1',
    Payload(
      {
        task_id: Uuid('Task.'),
        workflow_id: Uuid('Workflow.'),
        status: Enum(TASK_RESULT_STATUSES, 'completed, or compensated when a saga undid it.'),
        tool_calls_count: Count('Tool calls made.'),
        actual_eau_cost: MicroEau('Cost charged.'),
        duration_ms: DurationMs(),
      },
      'Records task completion and cost.',
    ),
    REF,
    { task_id: TASK, workflow_id: WF, status: 'completed', tool_calls_count: 2, actual_eau_cost: 1800000, duration_ms: 4.5 },
  ),
  defineEvent(
    'venture.task.failed.v1',
    Payload(
      {
        task_id: Uuid('Task.'),
        workflow_id: Uuid('Workflow.'),
        error_code: ErrorCode(),
        error_message: Text('Cause.'),
        partial_results: JsonObject('What the task produced before failing.'),
      },
      'Records a task failure.',
    ),
    REF,
    { task_id: TASK, workflow_id: WF, error_code: 'TOOL_DENIED', error_message: 'role analyst may not call deploy', partial_results: {} },
  ),
];
