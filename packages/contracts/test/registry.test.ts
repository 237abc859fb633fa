// Versioning rules of taxonomy part 5, enforced by the registry's compatibility checker.
import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { SchemaRegistry, checkCompatibility } from '@kush/contracts';

const v1 = () =>
  Type.Object(
    {
      id: Type.String({ minLength: 1, description: 'id' }),
      kind: Type.Union([Type.Literal('a'), Type.Literal('b')]),
      qty: Type.Integer({ minimum: 0, maximum: 100 }),
    },
    { additionalProperties: false },
  );

function registryWithV1() {
  const registry = new SchemaRegistry();
  const first = registry.register({ event_type: 'venture.test.thing_done.v1', schema_version: '1.0.0', json_schema: v1() });
  expect(first.ok).toBe(true);
  return registry;
}

const next = (version: string, schema: ReturnType<typeof v1> | ReturnType<typeof Type.Object>) =>
  registryWithV1().register({ event_type: 'venture.test.thing_done.v1', schema_version: version, json_schema: schema });

describe('schema registry versioning', () => {
  it('keeps what part 5 lists for each type', () => {
    const entry = SchemaRegistry.withTaxonomy().get('civ.economy.transfer_booked.v1')!;
    expect(entry).toMatchObject({
      event_type: 'civ.economy.transfer_booked.v1',
      schema_version: '1.0.0',
      registered_at: '2026-02-21T00:00:00.000Z',
      deprecated: false,
    });
    expect(entry.references).toContain('CIV-0100');
    expect(entry.json_schema).toBeDefined();
  });

  it('accepts a minor version that adds an optional field', () => {
    const schema = Type.Object({ ...v1().properties, note: Type.Optional(Type.String()) }, { additionalProperties: false });
    expect(next('1.1.0', schema).ok).toBe(true);
  });

  it('accepts a minor version that widens a range or an enum', () => {
    const schema = Type.Object(
      {
        ...v1().properties,
        qty: Type.Integer({ minimum: 0, maximum: 1000 }),
        kind: Type.Union([Type.Literal('a'), Type.Literal('b'), Type.Literal('c')]),
      },
      { additionalProperties: false },
    );
    expect(next('1.1.0', schema).ok).toBe(true);
  });

  const breaking: Array<[string, () => ReturnType<typeof Type.Object>, string]> = [
    [
      'adds a required field',
      () => Type.Object({ ...v1().properties, note: Type.String() }, { additionalProperties: false }),
      'note: new required field',
    ],
    [
      'removes a field',
      () => Type.Object({ id: v1().properties.id, kind: v1().properties.kind }, { additionalProperties: false }),
      'qty: field removed',
    ],
    ['changes a type', () => Type.Object({ ...v1().properties, qty: Type.String() }, { additionalProperties: false }), 'qty: type changed'],
    [
      'narrows an enum',
      () => Type.Object({ ...v1().properties, kind: Type.Union([Type.Literal('a')]) }, { additionalProperties: false }),
      'kind: enum values removed (b)',
    ],
    [
      'narrows a range',
      () => Type.Object({ ...v1().properties, qty: Type.Integer({ minimum: 0, maximum: 10 }) }, { additionalProperties: false }),
      'qty: maximum lowered to 10',
    ],
  ];
  it.each(breaking)('refuses a minor version that %s', (_what, schema, reason) => {
    const result = next('1.1.0', schema());
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.issues[0]).toMatchObject({ rule: 'breaking_change' });
      expect(result.issues.map((i) => i.message).join('\n')).toContain(reason);
    }
  });

  it('refuses a patch version that changes the schema, and accepts a documentation-only patch', () => {
    const changed = Type.Object({ ...v1().properties, note: Type.Optional(Type.String()) }, { additionalProperties: false });
    const result = next('1.0.1', changed);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues[0]!.rule).toBe('patch_changes_schema');
    const docsOnly = Type.Object(
      { ...v1().properties, id: Type.String({ minLength: 1, description: 'the id, better explained' }) },
      { additionalProperties: false },
    );
    expect(next('1.0.1', docsOnly).ok).toBe(true);
  });

  it('refuses a major version under a .v1 type, pointing at a new type', () => {
    const result = next('2.0.0', v1());
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues[0]!.message).toContain('.v2');
  });

  it('refuses a version that is not newer or not semantic', () => {
    expect(next('1.0.0', v1()).ok).toBe(false);
    expect(next('1.1', v1()).ok).toBe(false);
  });

  it('registers a breaking change as a new major type beside the old one', () => {
    const registry = registryWithV1();
    const result = registry.register({
      event_type: 'venture.test.thing_done.v2',
      schema_version: '2.0.0',
      json_schema: Type.Object({ id: Type.String() }),
    });
    expect(result.ok).toBe(true);
    expect(registry.list().map((e) => e.event_type)).toEqual(['venture.test.thing_done.v1', 'venture.test.thing_done.v2']);
  });

  it('reports identical schemas as unchanged', () => {
    expect(checkCompatibility(v1(), v1())).toEqual({ breaking: [], changed: false });
  });
});
