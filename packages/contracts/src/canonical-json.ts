// Canonical JSON (RFC 8785 style): object keys sorted by code unit, no whitespace, numbers as
// ECMAScript prints them. The same value always gives the same bytes, so hashes are stable.
import { createHash } from 'node:crypto';

export function canonicalJson(value: unknown): string {
  return write(value, '');
}

function write(value: unknown, path: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`${path || '(root)'}: canonical JSON has no ${String(value)}`);
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) {
        return `[${value.map((v, i) => write(v, `${path}.${i}`)).join(',')}]`;
      }
      const keys = Object.keys(value as object).sort();
      const parts: string[] = [];
      for (const key of keys) {
        const v = (value as Record<string, unknown>)[key];
        if (v === undefined) continue;
        parts.push(`${JSON.stringify(key)}:${write(v, path ? `${path}.${key}` : key)}`);
      }
      return `{${parts.join(',')}}`;
    }
    default:
      throw new TypeError(`${path || '(root)'}: canonical JSON cannot encode a ${typeof value}`);
  }
}

/** SHA-256 of the canonical JSON of a value, lower-case hex. */
export function canonicalHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}
