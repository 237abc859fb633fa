// The tool registry: every tool an agent may call, with its category, its price in micro-EAU and
// the schema its input must satisfy. Inputs are checked by a compiled validator before a call runs.
import { issueFromValueError, SNAKE_CASE_PATTERN, type ValidationIssue } from '@kush/contracts';
import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { accepted, controlIssue, refused, type Refusable } from '../control-error.js';

/** Most tools one registry holds. */
export const TOOLS_MAX = 1024;
/** Most a single call may cost: 1,000 EAU. */
export const TOOL_COST_UEAU_MAX = 1_000_000_000;
/** Issues reported for one bad input. */
const INPUT_ISSUES_MAX = 16;

export interface ToolRunContext {
  readonly workspace_id: string;
  readonly workflow_id: string;
  readonly task_id: string;
  readonly attempt: number;
  /** Aborted when the task's timeout expires; long tools must stop when it fires. */
  readonly signal: AbortSignal;
}

export type ToolOutput = Record<string, unknown>;

export interface ToolDefinition {
  readonly name: string;
  /** Tool category; task types name categories (code, artifact, policy, compliance, noop, ...). */
  readonly category: string;
  readonly cost_ueau: number;
  readonly description: string;
  readonly input_schema: TSchema;
  run(input: Record<string, unknown>, context: ToolRunContext): Promise<ToolOutput> | ToolOutput;
}

export interface RegisteredTool extends ToolDefinition {
  readonly check: TypeCheck<TSchema>;
}

const SNAKE_CASE = new RegExp(SNAKE_CASE_PATTERN);

export class ToolRegistry {
  readonly #tools = new Map<string, RegisteredTool>();

  register(tool: ToolDefinition): Refusable<RegisteredTool> {
    const path = `tools.${tool.name}`;
    if (!SNAKE_CASE.test(tool.name)) return refused(controlIssue('INVALID_TOOL', `${path}.name`, `must match ${SNAKE_CASE_PATTERN}`));
    if (!SNAKE_CASE.test(tool.category))
      return refused(controlIssue('INVALID_TOOL', `${path}.category`, `must match ${SNAKE_CASE_PATTERN}`));
    if (!Number.isSafeInteger(tool.cost_ueau) || tool.cost_ueau < 0 || tool.cost_ueau > TOOL_COST_UEAU_MAX) {
      return refused(controlIssue('INVALID_TOOL', `${path}.cost_ueau`, `must be an integer from 0 to ${TOOL_COST_UEAU_MAX} (micro-EAU)`));
    }
    if (this.#tools.has(tool.name)) return refused(controlIssue('DUPLICATE_TOOL', path, 'is already registered'));
    if (this.#tools.size >= TOOLS_MAX) return refused(controlIssue('TOO_MANY_TOOLS', path, `a registry holds at most ${TOOLS_MAX} tools`));
    const registered: RegisteredTool = { ...tool, check: TypeCompiler.Compile(tool.input_schema) };
    this.#tools.set(tool.name, registered);
    return accepted(registered);
  }

  get(name: string): RegisteredTool | undefined {
    return this.#tools.get(name);
  }

  list(): RegisteredTool[] {
    return [...this.#tools.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Checks an input against the tool's schema; issues name the field under `path`. */
  validateInput(tool: RegisteredTool, input: unknown, path: string): Refusable<Record<string, unknown>> {
    if (tool.check.Check(input)) return accepted(input as Record<string, unknown>);
    const issues: ValidationIssue[] = [];
    for (const error of tool.check.Errors(input)) {
      issues.push(issueFromValueError(error, path));
      if (issues.length >= INPUT_ISSUES_MAX) break;
    }
    return refused(...issues.map((i) => ({ code: 'TOOL_INPUT_INVALID', path: i.path, message: i.message })));
  }
}
