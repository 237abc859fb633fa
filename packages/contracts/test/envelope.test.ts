import { describe, expect, it } from 'vitest';
import { SchemaRegistry, createEnvelope, deterministicUuid, exampleEnvelope, relayedEventType, validateEnvelope } from '@kush/contracts';

const base = () => exampleEnvelope('civ.economy.market_cleared.v1')!;
const issuesOf = (value: unknown, registry?: SchemaRegistry) => {
  const result = registry ? registry.validateEnvelope(value) : validateEnvelope(value);
  return result.ok ? [] : result.issues;
};

describe('EventEnvelopeV1', () => {
  it('has exactly the 10 fields of the taxonomy', () => {
    expect(Object.keys(base()).sort()).toEqual([
      'created_at',
      'event_id',
      'event_type',
      'payload',
      'policy_bundle_id',
      'replay_token',
      'source_system',
      'task_id',
      'trace_id',
      'workflow_id',
    ]);
  });

  it('refuses an extra field', () => {
    expect(issuesOf({ ...base(), workspace_id: 'acme' })).toContainEqual(
      expect.objectContaining({ path: 'workspace_id', rule: 'unknown_field' }),
    );
  });

  it.each(['event_id', 'workflow_id', 'task_id', 'trace_id'])('refuses a bad UUID in %s', (field) => {
    expect(issuesOf({ ...base(), [field]: '1234' })).toContainEqual(expect.objectContaining({ path: field, rule: 'format' }));
  });

  it.each(['2026-02-21T00:00:00', '2026-02-21', '2026-13-01T00:00:00Z', 'yesterday'])('refuses created_at %s', (created_at) => {
    expect(issuesOf({ ...base(), created_at })).toContainEqual(expect.objectContaining({ path: 'created_at', rule: 'format' }));
  });

  it.each(['2026-02-21T00:00:00Z', '2026-02-21T00:00:00.123456+05:30', '2026-02-21T23:59:59-08:00'])(
    'accepts created_at %s',
    (created_at) => {
      expect(issuesOf({ ...base(), created_at })).toEqual([]);
    },
  );

  it.each([
    'event_id',
    'event_type',
    'workflow_id',
    'task_id',
    'trace_id',
    'policy_bundle_id',
    'payload',
    'created_at',
    'source_system',
    'replay_token',
  ])('requires %s', (field) => {
    const envelope: Record<string, unknown> = { ...base() };
    delete envelope[field];
    expect(issuesOf(envelope)).toContainEqual(expect.objectContaining({ path: field, rule: 'required' }));
  });

  it('refuses an unknown event type, naming it', () => {
    const issues = issuesOf({ ...base(), event_type: 'civ.economy.market_exploded.v1' });
    expect(issues).toContainEqual(expect.objectContaining({ path: 'event_type', rule: 'unknown_event_type' }));
  });

  it('refuses a malformed event type', () => {
    expect(issuesOf({ ...base(), event_type: 'civ.economy.market_cleared' })).toContainEqual(
      expect.objectContaining({ path: 'event_type', rule: 'pattern' }),
    );
    expect(issuesOf({ ...base(), event_type: 'CIV.Economy.x.v1' })).toContainEqual(expect.objectContaining({ path: 'event_type' }));
  });

  it('refuses an empty replay token and a bad source system', () => {
    expect(issuesOf({ ...base(), replay_token: '' })).toContainEqual(expect.objectContaining({ path: 'replay_token', rule: 'min_length' }));
    expect(issuesOf({ ...base(), source_system: 'rust' })).toContainEqual(expect.objectContaining({ path: 'source_system', rule: 'enum' }));
    expect(issuesOf({ ...base(), source_system: 'venture' })).toContainEqual(
      expect.objectContaining({ path: 'source_system', rule: 'source_system_mismatch' }),
    );
  });

  it('refuses values that are not objects', () => {
    for (const value of [null, 42, 'x', [], true]) expect(issuesOf(value).length).toBeGreaterThan(0);
  });

  it('accepts a relayed CIV event under venture.civ.* with the same payload', () => {
    const civ = base();
    const relayed = createEnvelope({
      ...civ,
      event_id: deterministicUuid('relay', civ.event_id),
      event_type: relayedEventType(civ.event_type),
      replay_token: civ.replay_token,
    });
    expect(relayed.event_type).toBe('venture.civ.economy.market_cleared.v1');
    expect(relayed.source_system).toBe('venture');
    expect(issuesOf(relayed)).toEqual([]);
    relayed.payload['clearing_efficiency'] = 3;
    expect(issuesOf(relayed)).toContainEqual(expect.objectContaining({ path: 'payload.clearing_efficiency', rule: 'maximum' }));
  });

  it('gives the taxonomy replay token by default', () => {
    const e = base();
    expect(e.replay_token).toBe(`civ:${e.event_id}:${e.created_at}`);
  });

  it('bounds the number of issues reported for a hostile value', () => {
    const payload: Record<string, unknown> = {};
    for (let i = 0; i < 500; i++) payload[`junk_${i}`] = i;
    expect(issuesOf({ ...base(), payload }).length).toBeLessThanOrEqual(32);
  });
});

describe('deprecation windows (taxonomy part 5)', () => {
  const registry = SchemaRegistry.withTaxonomy();
  registry.deprecate('civ.economy.balance_updated.v1', { since_bundle_version: 3, replaced_by: 'civ.economy.transfer_booked.v1' });
  const at = (version: number) => ({ ...exampleEnvelope('civ.economy.balance_updated.v1')!, policy_bundle_id: `default@${version}` });

  it('accepts a deprecated type under the deprecating bundle version and the next', () => {
    expect(issuesOf(at(2), registry)).toEqual([]);
    expect(issuesOf(at(3), registry)).toEqual([]);
    expect(issuesOf(at(4), registry)).toEqual([]);
  });

  it('rejects it after that, naming the replacement', () => {
    const issues = issuesOf(at(5), registry);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ path: 'event_type', rule: 'deprecated' });
    expect(issues[0]!.message).toContain('use civ.economy.transfer_booked.v1');
  });

  it('lists the deprecation in the registry', () => {
    expect(registry.get('civ.economy.balance_updated.v1')).toMatchObject({
      deprecated: true,
      deprecation: { replaced_by: 'civ.economy.transfer_booked.v1' },
    });
  });

  it('refuses to deprecate towards an unknown replacement', () => {
    expect(registry.deprecate('civ.economy.price_changed.v1', { since_bundle_version: 1, replaced_by: 'civ.economy.nothing.v2' }).ok).toBe(
      false,
    );
  });
});
