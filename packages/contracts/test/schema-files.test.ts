// The JSON Schema files in schemas/ are generated; this fails when they are stale.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonSchemaFiles, validateTaskEnvelope } from '@kush/contracts';

const dir = resolve(import.meta.dirname, '../../../schemas');

describe('schemas/', () => {
  const files = jsonSchemaFiles();
  it('holds the envelope, the task envelope, the registry index and 75 payload schemas', () => {
    expect(files.size).toBe(78);
  });

  it('is up to date (regenerate with `npm run schemas`)', () => {
    const stale = [...files]
      .filter(([path, content]) => !existsSync(join(dir, path)) || readFileSync(join(dir, path), 'utf8') !== content)
      .map(([p]) => p);
    const extra = readdirSync(join(dir, 'events')).filter((name) => !files.has(`events/${name}`));
    expect({ stale, extra }).toEqual({ stale: [], extra: [] });
  });

  it('uses plain enums and standard formats', () => {
    const schema = JSON.parse(files.get('events/civ.economy.market_cleared.v1.schema.json')!);
    expect(schema.properties.market_type.enum).toEqual(['labor', 'goods', 'capital', 'energy']);
    const envelope = JSON.parse(files.get('EventEnvelopeV1.schema.json')!);
    expect(envelope.properties.event_id.format).toBe('uuid');
    expect(envelope.additionalProperties).toBe(false);
    expect(envelope.required).toHaveLength(10);
  });
});

describe('TaskEnvelopeV1', () => {
  const task = {
    task_id: '1c9e8d7f-6a5b-5c4d-9e3f-b2c3d4e5f6a7',
    workflow_id: '0b8f9a7e-6d5c-5b4a-8392-a1b2c3d4e5f6',
    workspace_id: 'acme',
    task_type: 'noop',
    agent_role: 'engineer',
    tool_calls: [{ tool_name: 'noop', input: {} }],
    estimated_eau_cost: 10,
    policy_bundle_id: 'default@1',
    trace_id: '7a1e3c52-4b0f-5d2e-9c1a-2f3e4d5c6b7a',
    attempt: 1,
    max_attempts: 3,
    timeout_ms: 30000,
    depends_on: [],
    idempotency_key: 'wf:task:1',
    created_at: '2026-02-21T00:00:00.000Z',
  };
  it('accepts a complete task', () => expect(validateTaskEnvelope(task).ok).toBe(true));
  it('names a bad field', () => {
    const result = validateTaskEnvelope({ ...task, agent_role: 'janitor', attempt: 0 });
    expect(result.ok ? [] : result.issues.map((i) => `${i.path}:${i.rule}`)).toEqual(['agent_role:enum', 'attempt:minimum']);
  });
});
