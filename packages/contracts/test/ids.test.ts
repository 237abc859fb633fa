import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalHash, canonicalJson, deterministicUuid, isUuid, parseReplayToken, replayToken } from '@kush/contracts';

describe('deterministicUuid', () => {
  it('is a stable version-5 UUID of its name and parts', () => {
    const a = deterministicUuid('civ.event', 'run-1', 3, 7);
    expect(a).toBe(deterministicUuid('civ.event', 'run-1', 3, 7));
    expect(isUuid(a)).toBe(true);
    expect(a[14]).toBe('5');
  });

  it('separates parts unambiguously', () => {
    expect(deterministicUuid('x', 'a', 'bc')).not.toBe(deterministicUuid('x', 'ab', 'c'));
    expect(deterministicUuid('x', 1, 23)).not.toBe(deterministicUuid('x', 12, 3));
  });

  it('never collides over many distinct inputs', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 20000; i++) seen.add(deterministicUuid('n', i));
    expect(seen.size).toBe(20000);
  });
});

describe('replay tokens', () => {
  it('are event id + source system + timestamp (taxonomy 3.1) and parse back', () => {
    const token = replayToken('7a1e3c52-4b0f-5d2e-9c1a-2f3e4d5c6b7a', 'civ', '2026-02-21T00:00:00.000Z');
    expect(token).toBe('civ:7a1e3c52-4b0f-5d2e-9c1a-2f3e4d5c6b7a:2026-02-21T00:00:00.000Z');
    expect(parseReplayToken(token)).toEqual({
      source_system: 'civ',
      source_event_id: '7a1e3c52-4b0f-5d2e-9c1a-2f3e4d5c6b7a',
      created_at: '2026-02-21T00:00:00.000Z',
    });
  });
});

describe('canonical JSON', () => {
  it('sorts keys and drops whitespace', () => {
    expect(canonicalJson({ b: 1, a: [true, null, { d: 'x', c: 2 }] })).toBe('{"a":[true,null,{"c":2,"d":"x"}],"b":1}');
  });

  it('refuses what JSON cannot carry exactly', () => {
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(/a: canonical JSON has no NaN/);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(/function/);
  });

  it('is independent of key order and stable through a parse round trip', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        expect(canonicalJson(JSON.parse(text))).toBe(text);
        if (value && typeof value === 'object' && !Array.isArray(value)) {
          const reversed = Object.fromEntries(Object.entries(value).reverse());
          expect(canonicalHash(reversed)).toBe(canonicalHash(value));
        }
      }),
    );
  });
});
