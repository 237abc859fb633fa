// Every taxonomy type: its example passes, and broken variants are refused naming the field.
import { describe, expect, it } from 'vitest';
import {
  EVENT_TYPES,
  CIV_EVENT_TYPES,
  VENTURE_EVENT_TYPES,
  defaultRegistry,
  exampleEnvelope,
  validateEnvelope,
  type EventEnvelopeV1,
} from '@kush/contracts';

type Schema = Record<string, unknown>;

/** A value that breaks an enum, range, format or pattern rule of a property schema, or undefined. */
function violation(schema: Schema): unknown {
  const anyOf = schema['anyOf'] as Schema[] | undefined;
  if (anyOf && anyOf.every((s) => 'const' in s)) return 'not_a_listed_value';
  if (typeof schema['minimum'] === 'number') return (schema['minimum'] as number) - 1;
  if (typeof schema['maximum'] === 'number' && (schema['maximum'] as number) < 1e9) return (schema['maximum'] as number) + 1;
  if (schema['format'] === 'uuid') return 'not-a-uuid';
  if (schema['format'] === 'date-time') return '2026-02-21T00:00:00';
  if (typeof schema['pattern'] === 'string') return '!! does not match !!';
  return undefined;
}

describe('the taxonomy tables', () => {
  it('has 75 types: 38 civ and 37 venture', () => {
    expect(EVENT_TYPES).toHaveLength(75);
    expect(CIV_EVENT_TYPES).toHaveLength(38);
    expect(VENTURE_EVENT_TYPES).toHaveLength(37);
    expect(new Set(EVENT_TYPES).size).toBe(75);
  });
});

describe.each(EVENT_TYPES.map((t) => [t]))('%s', (eventType) => {
  const entry = defaultRegistry.get(eventType)!;
  const schema = entry.json_schema as unknown as { properties: Record<string, Schema>; required: string[] };
  const example = () => exampleEnvelope(eventType) as EventEnvelopeV1;

  it('accepts its example', () => {
    const result = validateEnvelope(example());
    expect(result.ok ? [] : result.issues).toEqual([]);
  });

  it('refuses a payload with a required field missing, naming the field', () => {
    const field = schema.required[0]!;
    const envelope = example();
    delete envelope.payload[field];
    const result = validateEnvelope(envelope);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues).toContainEqual(expect.objectContaining({ path: `payload.${field}`, rule: 'required' }));
  });

  it('refuses an enum or range violation, naming the field', () => {
    const [field, bad] = Object.entries(schema.properties)
      .map(([name, s]) => [name, violation(s)] as const)
      .find(([, v]) => v !== undefined)!;
    expect(field, 'every type has a constrained field').toBeDefined();
    const envelope = example();
    envelope.payload[field] = bad;
    const result = validateEnvelope(envelope);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      const issue = result.issues.find((i) => i.path === `payload.${field}`);
      expect(issue, JSON.stringify(result.issues)).toBeDefined();
      expect(issue!.message.startsWith(`payload.${field}: `)).toBe(true);
    }
  });

  it('refuses an unknown payload field', () => {
    const envelope = example();
    envelope.payload['not_in_the_taxonomy'] = 1;
    const result = validateEnvelope(envelope);
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.issues).toContainEqual(expect.objectContaining({ path: 'payload.not_in_the_taxonomy', rule: 'unknown_field' }));
  });
});

describe('named ranges of the taxonomy', () => {
  const cases: Array<[string, string, unknown]> = [
    ['civ.citizen.metrics_updated.v1', 'satisfaction_score', 1.01],
    ['civ.citizen.metrics_updated.v1', 'satisfaction_score', -1.01],
    ['civ.economy.market_cleared.v1', 'clearing_efficiency', 1.5],
    ['civ.citizen.education_updated.v1', 'education_level_after', 6],
    ['civ.social.unrest_escalated.v1', 'unrest_level', 101],
    ['civ.institution.metrics_updated.v1', 'influence_score', 1.2],
    ['venture.privacy.pii_detected.v1', 'detection_confidence', -0.1],
    ['civ.economy.transfer_booked.v1', 'amount', 1.5],
    ['civ.energy.consumed.v1', 'energy_qty', -1],
  ];
  it.each(cases)('%s refuses %s = %s', (eventType, field, value) => {
    const envelope = exampleEnvelope(eventType)!;
    envelope.payload[field] = value;
    const result = validateEnvelope(envelope);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues.map((i) => i.path)).toContain(`payload.${field}`);
  });

  it('states the rule in the message', () => {
    const envelope = exampleEnvelope('civ.economy.market_cleared.v1')!;
    envelope.payload['clearing_efficiency'] = 2;
    const result = validateEnvelope(envelope);
    expect(result.ok ? [] : result.issues.map((i) => i.message)).toContain('payload.clearing_efficiency: must be <= 1');
  });
});
