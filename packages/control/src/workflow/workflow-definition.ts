// The workflow file (YAML or JSON): a named DAG of tasks, each a list of tool calls carried out by
// an agent in a role. `fan_out: N` expands one task into N copies (`key[0]` ... `key[N-1]`), and
// `${index}` in their inputs becomes the copy's index.
import {
  AGENT_ROLES,
  Enum,
  issueFromValueError,
  SNAKE_CASE_PATTERN,
  TASK_DEPENDENCIES_MAX,
  TOOL_CALLS_PER_TASK_MAX,
  WorkspaceId,
} from '@kush/contracts';
import { Type, type Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { accepted, controlIssue, fromValidationIssues, refused, type Refusable } from '../control-error.js';

/** Most tasks in one workflow after fan-out expansion. */
export const WORKFLOW_TASKS_MAX = 100_000;
/** Most tasks written in a file (before expansion). */
export const WORKFLOW_FILE_TASKS_MAX = 1_000;
/** Largest workflow file read. */
export const WORKFLOW_FILE_BYTES_MAX = 1_048_576;
export const TASK_ATTEMPTS_MAX = 100;
export const TASK_TIMEOUT_MS_MAX = 86_400_000;
export const BACKOFF_MS_MAX = 3_600_000;

export const DEFAULT_MAX_ATTEMPTS = 3;
export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_BACKOFF_INITIAL_MS = 100;
export const DEFAULT_BACKOFF_MAX_MS = 10_000;

export const TASK_KEY_PATTERN = '^[a-z][a-z0-9_-]{0,63}$';
/** A dependency names a task key, or one copy of a fanned-out task: `shard[3]`. */
const DEPENDENCY_PATTERN = '^[a-z][a-z0-9_-]{0,63}(\\[[0-9]{1,6}\\])?$';

const ToolCallFile = Type.Object(
  {
    tool: Type.String({ pattern: SNAKE_CASE_PATTERN, maxLength: 128, description: 'Registered tool name.' }),
    input: Type.Optional(Type.Object({}, { additionalProperties: true, description: 'Tool input.' })),
  },
  { additionalProperties: false },
);

const Attempts = Type.Integer({ minimum: 1, maximum: TASK_ATTEMPTS_MAX, description: 'Attempts before the task fails for good.' });
const Timeout = Type.Integer({ minimum: 1, maximum: TASK_TIMEOUT_MS_MAX, description: 'Milliseconds a worker has per attempt.' });

const TaskFile = Type.Object(
  {
    id: Type.String({ pattern: TASK_KEY_PATTERN, description: 'Task key, unique in the file.' }),
    type: Type.Optional(
      Type.String({
        pattern: SNAKE_CASE_PATTERN,
        maxLength: 128,
        description: "Task type (a tool category); default: the first tool's category.",
      }),
    ),
    role: Type.Optional(Enum(AGENT_ROLES, "Role whose allowlist governs the calls; default: the workflow's agent_role.")),
    depends_on: Type.Optional(Type.Array(Type.String({ pattern: DEPENDENCY_PATTERN }), { maxItems: TASK_DEPENDENCIES_MAX })),
    fan_out: Type.Optional(Type.Integer({ minimum: 1, maximum: WORKFLOW_TASKS_MAX, description: 'Copies of this task.' })),
    tools: Type.Array(ToolCallFile, { maxItems: TOOL_CALLS_PER_TASK_MAX, description: 'Tool calls, in order.' }),
    compensate: Type.Optional(
      Type.Array(ToolCallFile, { maxItems: TOOL_CALLS_PER_TASK_MAX, description: 'Calls that undo the task when its workflow fails.' }),
    ),
    max_attempts: Type.Optional(Attempts),
    timeout_ms: Type.Optional(Timeout),
  },
  { additionalProperties: false },
);

export const WorkflowFileSchema = Type.Object(
  {
    name: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$', description: 'Workflow name.' }),
    description: Type.Optional(Type.String({ maxLength: 4096 })),
    workspace: Type.Optional(WorkspaceId()),
    agent_role: Enum(AGENT_ROLES, 'Default role of the tasks.'),
    policy_bundle: Type.Optional(
      Type.String({
        pattern: `^[A-Za-z0-9][A-Za-z0-9._-]{0,63}(@[0-9]{1,9})?$`,
        description: 'Bundle name (its active version is pinned at start) or name@version.',
      }),
    ),
    defaults: Type.Optional(
      Type.Object(
        {
          max_attempts: Type.Optional(Attempts),
          timeout_ms: Type.Optional(Timeout),
          backoff_initial_ms: Type.Optional(Type.Integer({ minimum: 0, maximum: BACKOFF_MS_MAX })),
          backoff_max_ms: Type.Optional(Type.Integer({ minimum: 0, maximum: BACKOFF_MS_MAX })),
        },
        { additionalProperties: false },
      ),
    ),
    tasks: Type.Array(TaskFile, { minItems: 1, maxItems: WORKFLOW_FILE_TASKS_MAX }),
  },
  { additionalProperties: false, $id: 'WorkflowFile', title: 'Workflow file' },
);

export type WorkflowFile = Static<typeof WorkflowFileSchema>;
export type TaskFile = Static<typeof TaskFile>;
export type ToolCallFile = Static<typeof ToolCallFile>;

const fileCheck = TypeCompiler.Compile(WorkflowFileSchema);

/** Validates a parsed workflow document; issues name the field (`tasks.2.depends_on.0`) and the rule. */
export function validateWorkflowFile(value: unknown): Refusable<WorkflowFile> {
  if (!fileCheck.Check(value)) {
    const issues = [...fileCheck.Errors(value)].slice(0, 32).map((e) => issueFromValueError(e));
    return refused(...fromValidationIssues('INVALID_WORKFLOW', issues));
  }
  const keys = new Set<string>();
  for (const [i, task] of value.tasks.entries()) {
    if (keys.has(task.id)) return refused(controlIssue('INVALID_WORKFLOW', `tasks.${i}.id`, `duplicate task key ${task.id}`));
    keys.add(task.id);
  }
  const d = value.defaults;
  if (d?.backoff_initial_ms !== undefined && d.backoff_max_ms !== undefined && d.backoff_max_ms < d.backoff_initial_ms) {
    return refused(controlIssue('INVALID_WORKFLOW', 'defaults.backoff_max_ms', 'must be >= defaults.backoff_initial_ms'));
  }
  return accepted(value);
}

/** Parses YAML (JSON is YAML) text and validates it. */
export function parseWorkflowText(text: string): Refusable<WorkflowFile> {
  if (text.length > WORKFLOW_FILE_BYTES_MAX) {
    return refused(controlIssue('INVALID_WORKFLOW', '(file)', `is larger than ${WORKFLOW_FILE_BYTES_MAX} bytes`));
  }
  let doc: unknown;
  try {
    doc = parseYaml(text, { maxAliasCount: 100 });
  } catch (error) {
    const where = error instanceof YAMLParseError && error.linePos ? ` at line ${error.linePos[0].line}` : '';
    return refused(controlIssue('INVALID_WORKFLOW', '(file)', `is not valid YAML${where}: ${(error as Error).message.split('\n')[0]}`));
  }
  return validateWorkflowFile(doc);
}

/** Parses a YAML (or JSON) document, for files other than workflows (policy bundles, contexts). */
export function parseYamlText(text: string, path = '(file)'): Refusable<unknown> {
  if (text.length > WORKFLOW_FILE_BYTES_MAX)
    return refused(controlIssue('INVALID_FILE', path, `is larger than ${WORKFLOW_FILE_BYTES_MAX} bytes`));
  try {
    return accepted(parseYaml(text, { maxAliasCount: 100 }) as unknown);
  } catch (error) {
    return refused(controlIssue('INVALID_FILE', path, `is not valid YAML: ${(error as Error).message.split('\n')[0]}`));
  }
}
