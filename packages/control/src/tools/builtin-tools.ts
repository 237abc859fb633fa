// The built-in tools. Their effects are local and deterministic: Kush has no network dependency,
// and a replay must give the same outputs. deploy/rollback_deploy record a decision (their effect
// is the event trail), the others compute.
import { createHash } from 'node:crypto';
import { deterministicUuid } from '@kush/contracts';
import { Type } from '@sinclair/typebox';
import { unwrap } from '../control-error.js';
import { policyEvalTool } from '../policy/policy-eval-tool.js';
import { ToolFailure } from './tool-failure.js';
import { ToolRegistry, type ToolDefinition, type ToolRunContext } from './tool-registry.js';

/** Longest sleep a task may ask for. */
export const SLEEP_MS_MAX = 600_000;
const TEXT_BYTES_MAX = 65_536;

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new ToolFailure('TASK_TIMEOUT', 'sleep: aborted by the task timeout'));
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new ToolFailure('TASK_TIMEOUT', 'sleep: aborted by the task timeout'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });

export const BUILTIN_TOOLS: readonly ToolDefinition[] = [
  {
    name: 'noop',
    category: 'noop',
    cost_ueau: 0,
    description: 'Does nothing; measures the orchestration itself.',
    input_schema: Type.Object({}, { additionalProperties: false }),
    run: () => ({}),
  },
  {
    name: 'sleep',
    category: 'noop',
    cost_ueau: 0,
    description: 'Waits `ms` milliseconds (stops when the task times out).',
    input_schema: Type.Object({ ms: Type.Integer({ minimum: 0, maximum: SLEEP_MS_MAX }) }, { additionalProperties: false }),
    run: async (input, context: ToolRunContext) => {
      await sleep(input['ms'] as number, context.signal);
      return { slept_ms: input['ms'] };
    },
  },
  {
    name: 'fail',
    category: 'diagnostic',
    cost_ueau: 0,
    description: 'Fails while the task attempt is <= until_attempt (default: always); for retries and sagas.',
    input_schema: Type.Object(
      {
        until_attempt: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
        code: Type.Optional(Type.String({ pattern: '^[A-Z][A-Z0-9_]*$', maxLength: 64 })),
      },
      { additionalProperties: false },
    ),
    run: (input, context) => {
      const until = (input['until_attempt'] as number | undefined) ?? 100;
      if (context.attempt <= until) {
        throw new ToolFailure(
          (input['code'] as string | undefined) ?? 'TOOL_FAILED',
          `fail: attempt ${context.attempt} <= until_attempt ${until}`,
        );
      }
      return { passed_on_attempt: context.attempt };
    },
  },
  {
    name: 'hash_text',
    category: 'analysis',
    cost_ueau: 1_000,
    description: 'SHA-256 of a text.',
    input_schema: Type.Object({ text: Type.String({ maxLength: TEXT_BYTES_MAX }) }, { additionalProperties: false }),
    run: (input) => ({
      sha256: createHash('sha256')
        .update(input['text'] as string)
        .digest('hex'),
    }),
  },
  {
    name: 'write_note',
    category: 'artifact',
    cost_ueau: 10_000,
    description: 'Writes a note artifact; returns its content hash.',
    input_schema: Type.Object(
      { title: Type.String({ minLength: 1, maxLength: 256 }), body: Type.String({ maxLength: TEXT_BYTES_MAX }) },
      { additionalProperties: false },
    ),
    run: (input) => ({
      content_hash: createHash('sha256')
        .update(`${input['title'] as string}\n${input['body'] as string}`)
        .digest('hex'),
    }),
  },
  {
    name: 'deploy',
    category: 'deployment',
    cost_ueau: 250_000,
    description: 'Records the decision to deploy a service version; compensated by rollback_deploy.',
    input_schema: Type.Object(
      {
        service: Type.String({ pattern: '^[a-z][a-z0-9-]{0,62}$' }),
        version: Type.String({ minLength: 1, maxLength: 64 }),
      },
      { additionalProperties: false },
    ),
    run: (input, context) => ({
      deployment_id: deterministicUuid('kush.tool.deploy', context.workspace_id, input['service'] as string, input['version'] as string),
    }),
  },
  {
    name: 'rollback_deploy',
    category: 'deployment',
    cost_ueau: 50_000,
    description: 'Records the rollback of a service to its previous version.',
    input_schema: Type.Object({ service: Type.String({ pattern: '^[a-z][a-z0-9-]{0,62}$' }) }, { additionalProperties: false }),
    run: (input) => ({ rolled_back: input['service'] }),
  },
  policyEvalTool,
];

/** A registry holding the built-in tools, and any extra ones. */
export function builtinToolRegistry(extra: readonly ToolDefinition[] = []): ToolRegistry {
  const registry = new ToolRegistry();
  for (const tool of [...BUILTIN_TOOLS, ...extra]) unwrap(registry.register(tool));
  return registry;
}
