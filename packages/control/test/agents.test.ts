import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { builtinToolRegistry, ChatCompletionAgent, chatConfigFromEnv, planByRules } from '@kush/control';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryHarness, type Harness } from './memory-harness.js';

interface Recorded {
  authorization: string | undefined;
  body: { model: string; tools: { function: { name: string } }[]; messages: { role: string; content: string }[] };
}

/** A local stand-in for an OpenAI-compatible endpoint: answers from a script, records requests. */
async function fakeEndpoint(answers: { status: number; body: unknown }[]): Promise<{ url: string; requests: Recorded[]; server: Server }> {
  const requests: Recorded[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let data = '';
    req.on('data', (c: Buffer) => (data += c.toString()));
    req.on('end', () => {
      requests.push({ authorization: req.headers.authorization, body: JSON.parse(data) as Recorded['body'] });
      const answer = answers[Math.min(requests.length - 1, answers.length - 1)]!;
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, requests, server };
}

const toolCalls = (content: string, calls: [string, unknown][]) => ({
  choices: [
    {
      message: {
        role: 'assistant',
        content,
        tool_calls: calls.map(([name, args], i) => ({
          id: `c${i}`,
          type: 'function',
          function: { name, arguments: JSON.stringify(args) },
        })),
      },
    },
  ],
});

let harness: Harness | undefined;
let server: Server | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  server = undefined;
});

describe('rule-based agent', () => {
  it('executes declared calls in order, or picks the cheapest allowed tool of the task category', () => {
    const registry = builtinToolRegistry();
    const tools = registry.list();
    const base = {
      task_id: '00000000-0000-4000-8000-000000000001',
      workflow_id: '00000000-0000-4000-8000-000000000002',
      workspace_id: 'default',
      agent_role: 'analyst' as const,
      estimated_eau_cost: 0,
      policy_bundle_id: 'default@1',
      trace_id: '00000000-0000-4000-8000-000000000003',
      attempt: 1,
      max_attempts: 1,
      timeout_ms: 1000,
      depends_on: [],
      idempotency_key: 'k',
      created_at: '2026-02-21T00:00:00.000Z',
    };
    const declared = planByRules({ ...base, task_type: 'analysis', tool_calls: [{ tool_name: 'hash_text', input: { text: 'a' } }] }, tools);
    expect(declared.actions.map((a) => a.call.tool_name)).toEqual(['hash_text']);
    expect(declared.reasoning).toMatch(/^rule 1/);
    const picked = planByRules({ ...base, task_type: 'noop', tool_calls: [] }, tools);
    expect(picked.actions.map((a) => a.call.tool_name)).toEqual(['noop']);
    expect(picked.reasoning).toMatch(/^rule 2/);
    const nothing = planByRules({ ...base, task_type: 'deployment', tool_calls: [] }, tools);
    expect(nothing.actions).toEqual([]);
    expect(nothing.reasoning).toMatch(/^rule 3/);
  });
});

describe('chat-completion agent (local fake endpoint, no network)', () => {
  it('sends the task and the role tools, runs the calls the model chose, and records its reasoning', async () => {
    const fake = await fakeEndpoint([
      { status: 503, body: { error: 'warming up' } },
      {
        status: 200,
        body: toolCalls('I hash the text first because the report needs its digest.', [['hash_text', { text: 'quarterly report' }]]),
      },
    ]);
    server = fake.server;
    const agent = new ChatCompletionAgent({ url: fake.url, api_key: 'sk-test-123', model: 'fake-model', retry_delay_ms: 5 });
    harness = await memoryHarness({ agent });
    const { state, events } = await harness.run(
      'name: chat\nagent_role: analyst\ntasks:\n  - id: summarize\n    type: analysis\n    tools: []\n',
    );
    expect(state.status).toBe('completed');
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[1]!.authorization).toBe('Bearer sk-test-123');
    expect(fake.requests[1]!.body.model).toBe('fake-model');
    const offered = fake.requests[1]!.body.tools.map((t) => t.function.name).sort();
    expect(offered).toEqual(['fail', 'hash_text', 'noop', 'policy_eval', 'sleep', 'write_note']);
    expect(offered).not.toContain('deploy');
    expect(harness.budgets.spent('default')).toBe(1_000);
    const audit = events.find((e) => e.event_type === 'venture.audit.log_entry.v1')!;
    expect(audit.payload).toMatchObject({ actor_id: 'agent:chat_completion:fake-model', action_type: 'agent_action' });
    const summary = JSON.parse((audit.payload as { change_summary: string }).change_summary) as {
      reasoning: string;
      actions: { tool: string; outcome: string; reasoning: string }[];
    };
    expect(summary.reasoning).toContain('I hash the text first');
    expect(summary.actions).toEqual([expect.objectContaining({ tool: 'hash_text', outcome: 'ok', cost_ueau: 1_000 })]);
  });

  it('puts a model-chosen call outside the allowlist through the same gate: refused, recorded', async () => {
    const fake = await fakeEndpoint([
      { status: 200, body: toolCalls('Shipping is fastest.', [['deploy', { service: 'api', version: '9' }]]) },
    ]);
    server = fake.server;
    harness = await memoryHarness({ agent: new ChatCompletionAgent({ url: fake.url, api_key: 'k', model: 'm' }) });
    const { state, events } = await harness.run('name: chat\nagent_role: analyst\ntasks:\n  - id: t\n    tools: []\n');
    expect(state.status).toBe('failed');
    expect(state.error_code).toBe('TOOL_DENIED');
    expect(events.some((e) => e.event_type === 'venture.compliance.violation_detected.v1')).toBe(true);
    expect(harness.budgets.spent('default')).toBe(0);
  });

  it('fails the attempt (retryable) when the endpoint keeps failing, without leaking the key', async () => {
    const fake = await fakeEndpoint([{ status: 401, body: { error: 'bad key' } }]);
    server = fake.server;
    harness = await memoryHarness({ agent: new ChatCompletionAgent({ url: fake.url, api_key: 'sk-secret', model: 'm' }) });
    const { state, events } = await harness.run(
      'name: chat\nagent_role: analyst\ndefaults: { backoff_initial_ms: 1 }\ntasks:\n  - id: t\n    max_attempts: 2\n    tools: []\n',
    );
    expect(state.status).toBe('failed');
    expect(state.error_code).toBe('AGENT_ERROR');
    expect(JSON.stringify(events)).not.toContain('sk-secret');
  });

  it('reads its configuration from the environment and names what is missing', () => {
    expect(chatConfigFromEnv({})).toBe('KUSH_AGENT_URL: must be the http(s) base URL of an OpenAI-compatible endpoint');
    expect(chatConfigFromEnv({ KUSH_AGENT_URL: 'http://x/v1' })).toBe('KUSH_AGENT_API_KEY: must be set for the chat_completion agent');
    expect(chatConfigFromEnv({ KUSH_AGENT_URL: 'http://x/v1', KUSH_AGENT_API_KEY: 'k', KUSH_AGENT_MODEL: 'm' })).toEqual({
      url: 'http://x/v1',
      api_key: 'k',
      model: 'm',
    });
  });
});
