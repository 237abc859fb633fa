// Deterministic identifiers: the same name and parts always give the same UUID, so a replay
// of the same inputs produces byte-identical events (DESIGN.md section 4).
import { hash } from 'node:crypto';

/** Namespace of every Kush name-based UUID (a fixed random UUID). */
export const KUSH_UUID_NAMESPACE = '5f0c2d8e-3b7a-4c61-9e2f-8a4d6b1c7e90';

const namespaceBytes = Buffer.from(KUSH_UUID_NAMESPACE.replace(/-/g, ''), 'hex');
const PART_SEPARATOR = '\u001f';

/**
 * A UUID version 5 (RFC 9562: SHA-1 over namespace + name) derived from a name and parts,
 * e.g. deterministicUuid('civ.event', runId, tick, seq). Parts are joined with a unit
 * separator so ('a', 'bc') and ('ab', 'c') differ.
 */
export function deterministicUuid(name: string, ...parts: ReadonlyArray<string | number | bigint>): string {
  const text = parts.length === 0 ? name : `${name}${PART_SEPARATOR}${parts.join(PART_SEPARATOR)}`;
  // One-shot crypto.hash: no Hash object per id (ids are minted on every hot path).
  const digest = hash('sha1', Buffer.concat([namespaceBytes, Buffer.from(text, 'utf8')]), 'buffer');
  digest[6] = (digest[6]! & 0x0f) | 0x50;
  digest[8] = (digest[8]! & 0x3f) | 0x80;
  const hex = digest.toString('hex', 0, 16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** The taxonomy's replay token (part 3.1): source event_id + source_system + timestamp. */
export function replayToken(sourceEventId: string, sourceSystem: string, createdAt: string): string {
  return `${sourceSystem}:${sourceEventId}:${createdAt}`;
}

/** Parses a replay token back into its parts; undefined when it is not of the taxonomy's form. */
export function parseReplayToken(token: string): { source_system: string; source_event_id: string; created_at: string } | undefined {
  const first = token.indexOf(':');
  if (first <= 0) return undefined;
  const second = token.indexOf(':', first + 1);
  if (second < 0) return undefined;
  return { source_system: token.slice(0, first), source_event_id: token.slice(first + 1, second), created_at: token.slice(second + 1) };
}
