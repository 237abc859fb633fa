// An agent policy carries out a task: it decides which tool calls to make and says why. Its plan
// passes through the same gate as any call (allowlist, input schema, policy, budget), so an agent
// can propose anything and still only do what its role, the bundle and the budget allow.
import type { TaskEnvelopeV1, ToolCall } from '@kush/contracts';
import type { RegisteredTool } from '../tools/tool-registry.js';

export interface AgentAction {
  readonly call: ToolCall;
  /** Why the agent makes this call, in its own words; recorded next to the call's outcome. */
  readonly reasoning: string;
}

export interface AgentPlan {
  /** Why the agent plans what it plans, for the task as a whole. */
  readonly reasoning: string;
  readonly actions: readonly AgentAction[];
}

export interface AgentPolicy {
  /** Names the agent in audit entries: `agent:rule_based`, `agent:chat_completion:<model>`. */
  readonly actor_id: string;
  /**
   * Plans the task. `tools` are the tools the task's role may call (the agent may still propose
   * others; the gate refuses them). Must stop when `signal` aborts (the task timed out).
   */
  plan(task: TaskEnvelopeV1, tools: readonly RegisteredTool[], signal: AbortSignal): Promise<AgentPlan>;
}
