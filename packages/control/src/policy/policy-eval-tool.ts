// policy_eval: a tool that evaluates a bundle given in its input against a context, so auditors
// and orchestrators can check "what would the rules say" inside a workflow.
import { Type } from '@sinclair/typebox';
import { ToolFailure } from '../tools/tool-failure.js';
import type { ToolDefinition } from '../tools/tool-registry.js';
import { CompiledBundle } from './policy-bundle.js';

export const policyEvalTool: ToolDefinition = {
  name: 'policy_eval',
  category: 'policy',
  cost_ueau: 5_000,
  description: 'Evaluates a policy bundle (given inline) against a context; returns the decision and its facts.',
  input_schema: Type.Object(
    {
      bundle: Type.Object({}, { additionalProperties: true, description: 'Bundle content: name, default_decision, rules.' }),
      context: Type.Object({}, { additionalProperties: true }),
    },
    { additionalProperties: false },
  ),
  run: (input) => {
    const bundle = CompiledBundle.compile(input['bundle']);
    if (!bundle.ok) throw new ToolFailure('POLICY_BUNDLE_INVALID', bundle.issues.map((i) => i.message).join('; '), false);
    const context = input['context'] as Record<string, unknown>;
    const evaluation = bundle.value.evaluate(context);
    return {
      decision: evaluation.decision,
      supporting_facts: bundle.value.facts(evaluation, context),
      content_hash: bundle.value.content_hash,
    };
  },
};
