// The deterministic agent used by tests and the demo: fixed rules, no model, same plan every time.
//   1. A task that declares tool calls gets exactly those, in order.
//   2. A task without calls gets the cheapest allowed tool of its task type's category that
//      accepts an empty input (ties broken by name).
//   3. Otherwise nothing is done, and the reasoning says so.
import type { TaskEnvelopeV1 } from '@kush/contracts';
import type { RegisteredTool } from '../tools/tool-registry.js';
import type { AgentPlan, AgentPolicy } from './agent.js';

export class RuleBasedAgent implements AgentPolicy {
  readonly actor_id = 'agent:rule_based';

  async plan(task: TaskEnvelopeV1, tools: readonly RegisteredTool[]): Promise<AgentPlan> {
    return planByRules(task, tools);
  }
}

export function planByRules(task: TaskEnvelopeV1, tools: readonly RegisteredTool[]): AgentPlan {
  if (task.tool_calls.length > 0) {
    return {
      reasoning: `rule 1: the ${task.task_type} task declares ${task.tool_calls.length} call(s); executing them in declared order as ${task.agent_role}`,
      actions: task.tool_calls.map((call, i) => ({
        call,
        reasoning: `rule 1: declared call ${i + 1} of ${task.tool_calls.length} (${call.tool_name})`,
      })),
    };
  }
  const candidates = tools
    .filter((t) => t.category === task.task_type && t.check.Check({}))
    .sort((a, b) => a.cost_ueau - b.cost_ueau || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const pick = candidates[0];
  if (pick) {
    return {
      reasoning: `rule 2: no calls declared; ${pick.name} is the cheapest ${task.task_type} tool the ${task.agent_role} role may call with an empty input`,
      actions: [
        {
          call: { tool_name: pick.name, input: {} },
          reasoning: `rule 2: cheapest allowed ${task.task_type} tool (${pick.cost_ueau} uEAU)`,
        },
      ],
    };
  }
  return {
    reasoning: `rule 3: no calls declared and no allowed ${task.task_type} tool takes an empty input; nothing to do`,
    actions: [],
  };
}
