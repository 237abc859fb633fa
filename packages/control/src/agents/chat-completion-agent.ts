// An agent backed by an OpenAI-compatible chat-completion endpoint (`POST <url>/chat/completions`
// with function tools). The model sees the task and the tools its role may call, and answers with
// tool calls and, in its message text, its reasoning. Its proposals go through the same gate as
// any other agent's; the key is sent only in the Authorization header and never logged.
import type { TaskEnvelopeV1 } from '@kush/contracts';
import pRetry, { AbortError } from 'p-retry';
import type { RegisteredTool } from '../tools/tool-registry.js';
import type { AgentAction, AgentPlan, AgentPolicy } from './agent.js';

/** Largest response body read from the endpoint. */
export const CHAT_RESPONSE_BYTES_MAX = 1_048_576;
/** Retries of a transient failure (network, 429, 5xx) before the plan fails. */
export const CHAT_RETRIES_MAX = 2;
const REASONING_CHARS_MAX = 2_000;

export interface ChatCompletionConfig {
  /** Base URL, e.g. `https://api.openai.com/v1` or `http://127.0.0.1:8080/v1`. */
  readonly url: string;
  readonly api_key: string;
  readonly model: string;
  /** Delay before the first retry; doubles after. */
  readonly retry_delay_ms?: number;
}

const SYSTEM_PROMPT =
  'You are an agent in the Kush control plane. Carry out the task by calling the tools offered, in order. ' +
  'Before the calls, state your reasoning in plain text in your message: why each call, and why in that order. ' +
  'Call only the tools offered; every call is checked against your role allowlist, the policy bundle and the budget.';

interface ChatMessage {
  content?: string | null;
  tool_calls?: { type?: string; function?: { name?: string; arguments?: string } }[];
}

/** Reads the configuration from the environment: KUSH_AGENT_URL, KUSH_AGENT_API_KEY, KUSH_AGENT_MODEL. */
export function chatConfigFromEnv(env: NodeJS.ProcessEnv = process.env): ChatCompletionConfig | string {
  const url = env['KUSH_AGENT_URL'];
  const key = env['KUSH_AGENT_API_KEY'];
  if (!url || !/^https?:\/\//.test(url)) return 'KUSH_AGENT_URL: must be the http(s) base URL of an OpenAI-compatible endpoint';
  if (!key) return 'KUSH_AGENT_API_KEY: must be set for the chat_completion agent';
  return { url, api_key: key, model: env['KUSH_AGENT_MODEL'] || 'gpt-4o-mini' };
}

export class ChatCompletionAgent implements AgentPolicy {
  readonly actor_id: string;

  constructor(private readonly config: ChatCompletionConfig) {
    this.actor_id = `agent:chat_completion:${config.model}`;
  }

  async plan(task: TaskEnvelopeV1, tools: readonly RegisteredTool[], signal: AbortSignal): Promise<AgentPlan> {
    const body = {
      model: this.config.model,
      temperature: 0,
      messages: [
        { role: 'system', content: SYSTEM_PROMPT },
        {
          role: 'user',
          content: JSON.stringify({
            task_type: task.task_type,
            role: task.agent_role,
            attempt: task.attempt,
            declared_tool_calls: task.tool_calls,
          }),
        },
      ],
      tools: tools.map((t) => ({
        type: 'function',
        function: {
          name: t.name,
          description: `${t.description} Costs ${t.cost_ueau} micro-EAU.`,
          parameters: JSON.parse(JSON.stringify(t.input_schema)) as unknown,
        },
      })),
      tool_choice: 'auto',
    };
    const message = await pRetry(() => this.#request(body, signal), {
      retries: CHAT_RETRIES_MAX,
      minTimeout: this.config.retry_delay_ms ?? 250,
      signal,
    });
    const reasoning = (message.content ?? '').trim().slice(0, REASONING_CHARS_MAX) || '(the model gave no reasoning)';
    const actions: AgentAction[] = (message.tool_calls ?? []).map((call, i) => {
      const name = call.function?.name ?? '';
      let input: Record<string, unknown>;
      try {
        const parsed = JSON.parse(call.function?.arguments || '{}') as unknown;
        input =
          parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : { _unparsed: parsed };
      } catch {
        input = { _unparsed: call.function?.arguments ?? '' };
      }
      return { call: { tool_name: name, input }, reasoning: `model (call ${i + 1}): ${reasoning}`.slice(0, REASONING_CHARS_MAX) };
    });
    return { reasoning: `model ${this.config.model}: ${reasoning}`, actions };
  }

  async #request(body: unknown, signal: AbortSignal): Promise<ChatMessage> {
    const response = await fetch(`${this.config.url.replace(/\/$/, '')}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.config.api_key}` },
      body: JSON.stringify(body),
      signal,
    });
    const text = await readLimited(response);
    if (response.status === 429 || response.status >= 500) throw new Error(`chat endpoint answered ${response.status}`);
    if (!response.ok) throw new AbortError(`chat endpoint answered ${response.status}: ${text.slice(0, 200)}`);
    let parsed: { choices?: { message?: ChatMessage }[] };
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      throw new AbortError('chat endpoint answered with a body that is not JSON');
    }
    const message = parsed.choices?.[0]?.message;
    if (!message) throw new AbortError('chat endpoint answer has no choices[0].message');
    return message;
  }
}

async function readLimited(response: Response): Promise<string> {
  const length = Number(response.headers.get('content-length') ?? 0);
  if (length > CHAT_RESPONSE_BYTES_MAX) throw new AbortError(`chat endpoint answer is larger than ${CHAT_RESPONSE_BYTES_MAX} bytes`);
  const text = await response.text();
  if (text.length > CHAT_RESPONSE_BYTES_MAX) throw new AbortError(`chat endpoint answer is larger than ${CHAT_RESPONSE_BYTES_MAX} bytes`);
  return text;
}
