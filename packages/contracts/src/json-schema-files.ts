// The JSON Schema files checked in under schemas/: generated from the TypeBox definitions so the
// interchange format never drifts from the validators (a test compares them).
import { EventEnvelopeV1Schema } from './envelope.js';
import type { SchemaRegistry } from './registry.js';
import { defaultRegistry } from './registry.js';
import { TaskEnvelopeV1Schema } from './task-envelope.js';

const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

/** Replaces TypeBox's anyOf-of-consts with the plainer `enum`, recursively. */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (!value || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  const anyOf = obj['anyOf'];
  if (Array.isArray(anyOf) && anyOf.length > 0 && anyOf.every((s) => s && typeof s === 'object' && 'const' in s)) {
    const rest: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) if (k !== 'anyOf') rest[k] = v;
    return { ...rest, type: 'string', enum: anyOf.map((s) => (s as Record<string, unknown>)['const']) };
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) out[k] = plain(v);
  return out;
}

const render = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

/** File path (relative to schemas/) to content. */
export function jsonSchemaFiles(registry: SchemaRegistry = defaultRegistry): Map<string, string> {
  const files = new Map<string, string>();
  files.set('EventEnvelopeV1.schema.json', render({ $schema: JSON_SCHEMA_DIALECT, ...(plain(EventEnvelopeV1Schema) as object) }));
  files.set('TaskEnvelopeV1.schema.json', render({ $schema: JSON_SCHEMA_DIALECT, ...(plain(TaskEnvelopeV1Schema) as object) }));
  const index = [];
  for (const entry of registry.list()) {
    const file = `events/${entry.event_type}.schema.json`;
    files.set(
      file,
      render({ $schema: JSON_SCHEMA_DIALECT, $id: entry.event_type, title: entry.event_type, ...(plain(entry.json_schema) as object) }),
    );
    index.push({
      event_type: entry.event_type,
      schema_version: entry.schema_version,
      json_schema: file,
      registered_at: entry.registered_at,
      deprecated: entry.deprecated,
      references: entry.references,
    });
  }
  files.set('registry.json', render(index));
  return files;
}
