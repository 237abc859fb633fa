// TaskEnvelopeV1: how Track C hands a unit of work to a worker. Our fields (the taxonomy names the
// envelope without listing them); documented in each field's description.
import { Type, type Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { AGENT_ROLES } from './enums.js';
import './formats.js';
import { issueFromValueError, type Validated } from './issues.js';
import { DateTime, Enum, MicroEau, PolicyBundleId, SnakeCase, Uuid, WorkspaceId } from './primitives.js';

export const TOOL_CALLS_PER_TASK_MAX = 64;
export const TASK_DEPENDENCIES_MAX = 1024;

export const ToolCallSchema = Type.Object(
  {
    tool_name: SnakeCase('Registered tool name.'),
    input: Type.Object(
      {},
      {
        additionalProperties: true,
        ...{
          description: "Tool input; validated against the tool's input schema before it runs.",
        },
      },
    ),
  },
  { additionalProperties: false },
);

export const TaskEnvelopeV1Schema = Type.Object(
  {
    task_id: Uuid('Task id; unique within all workflows.'),
    workflow_id: Uuid('Workflow the task belongs to.'),
    workspace_id: WorkspaceId(),
    task_type: SnakeCase('Task type; matches a tool category (code, artifact, policy, compliance, civ_simulation, noop, ...).'),
    agent_role: Enum(AGENT_ROLES, 'Role whose allowlist governs the tool calls.'),
    tool_calls: Type.Array(ToolCallSchema, { maxItems: TOOL_CALLS_PER_TASK_MAX, description: 'Tool calls the task makes, in order.' }),
    estimated_eau_cost: MicroEau('Sum of the tool costs, authorized before the task runs.'),
    policy_bundle_id: PolicyBundleId(),
    trace_id: Uuid('End-to-end trace, shared with the events the task causes.'),
    attempt: Type.Integer({ minimum: 1, maximum: 100, description: 'Delivery attempt, from 1.' }),
    max_attempts: Type.Integer({ minimum: 1, maximum: 100, description: 'Attempts before the task fails for good.' }),
    timeout_ms: Type.Integer({ minimum: 1, maximum: 86_400_000, description: 'Time a worker has before the task is redelivered.' }),
    depends_on: Type.Array(Uuid(), { maxItems: TASK_DEPENDENCIES_MAX, description: 'Tasks that must complete first (DAG edges).' }),
    idempotency_key: Type.String({
      minLength: 1,
      maxLength: 256,
      description: 'Same key, same effect: a redelivered task is applied once.',
    }),
    created_at: DateTime('When the task was created.'),
  },
  { additionalProperties: false, $id: 'TaskEnvelopeV1', title: 'TaskEnvelopeV1', description: 'A unit of work of a Track C workflow.' },
);

export type TaskEnvelopeV1 = Static<typeof TaskEnvelopeV1Schema>;
export type ToolCall = Static<typeof ToolCallSchema>;

const taskCheck = TypeCompiler.Compile(TaskEnvelopeV1Schema);

export function validateTaskEnvelope(value: unknown): Validated<TaskEnvelopeV1> {
  if (taskCheck.Check(value)) return { ok: true, value };
  return { ok: false, issues: [...taskCheck.Errors(value)].slice(0, 32).map((e) => issueFromValueError(e)) };
}
