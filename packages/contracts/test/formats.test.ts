// The hand-written date-time scanner must agree with the RFC 3339 regular expression it replaces.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DATE_TIME_PATTERN, isDateTime, isUuid } from '@kush/contracts';

const reference = new RegExp(DATE_TIME_PATTERN);
const dateLike = fc
  .tuple(
    fc.integer({ min: 0, max: 9999 }),
    fc.integer({ min: 0, max: 13 }),
    fc.integer({ min: 0, max: 32 }),
    fc.integer({ min: 0, max: 24 }),
    fc.integer({ min: 0, max: 60 }),
    fc.integer({ min: 0, max: 60 }),
    fc.option(fc.stringMatching(/^[0-9]{0,10}$/)),
    fc.constantFrom('Z', 'z', '', '+05:30', '-08:00', '+24:00', '+05:60', '+0530', '-00:00'),
  )
  .map(([y, mo, d, h, mi, s, frac, zone]) => {
    const p = (n: number, w = 2) => String(n).padStart(w, '0');
    return `${p(y, 4)}-${p(mo)}-${p(d)}T${p(h)}:${p(mi)}:${p(s)}${frac === null ? '' : `.${frac}`}${zone}`;
  });

describe('isDateTime', () => {
  it('agrees with the RFC 3339 pattern on date-like strings', () => {
    fc.assert(
      fc.property(dateLike, (text) => isDateTime(text) === reference.test(text)),
      { numRuns: 5000 },
    );
  });
  it('agrees with it on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (text) => isDateTime(text) === reference.test(text)),
      { numRuns: 5000 },
    );
  });
});

describe('isUuid', () => {
  it('accepts canonical UUIDs and refuses others', () => {
    expect(isUuid('7a1e3c52-4b0f-5d2e-9c1a-2f3e4d5c6b7a')).toBe(true);
    expect(isUuid('7A1E3C52-4B0F-5D2E-9C1A-2F3E4D5C6B7A')).toBe(false);
    expect(isUuid('7a1e3c52-4b0f-0d2e-9c1a-2f3e4d5c6b7a')).toBe(false);
    expect(isUuid('7a1e3c52-4b0f-5d2e-7c1a-2f3e4d5c6b7a')).toBe(false);
    expect(isUuid('7a1e3c524b0f5d2e9c1a2f3e4d5c6b7a')).toBe(false);
  });
});
