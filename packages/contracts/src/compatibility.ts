// Schema compatibility (taxonomy part 5): a minor version may only add optional fields or
// widen what is accepted; anything that could reject data the old schema accepted is breaking.

type Json = Record<string, unknown>;

export interface CompatibilityReport {
  readonly breaking: readonly string[];
  /** True when the schemas differ in more than descriptions and titles. */
  readonly changed: boolean;
}

const DOC_KEYS = new Set(['description', 'title', 'examples', '$comment']);

function stripDocs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripDocs);
  if (value && typeof value === 'object') {
    const out: Json = {};
    for (const key of Object.keys(value).sort()) if (!DOC_KEYS.has(key)) out[key] = stripDocs((value as Json)[key]);
    return out;
  }
  return value;
}

function enumValues(schema: Json): unknown[] | undefined {
  if (Array.isArray(schema['enum'])) return schema['enum'] as unknown[];
  const anyOf = schema['anyOf'];
  if (Array.isArray(anyOf) && anyOf.every((s) => s && typeof s === 'object' && 'const' in s)) return anyOf.map((s) => (s as Json)['const']);
  if ('const' in schema) return [schema['const']];
  return undefined;
}

function compare(before: Json, after: Json, path: string, out: string[]): void {
  const at = path || '(root)';
  const oldEnum = enumValues(before);
  const newEnum = enumValues(after);
  if (oldEnum) {
    if (!newEnum) return; // an enum widened to its base type accepts everything it did
    const removed = oldEnum.filter((v) => !newEnum.includes(v));
    if (removed.length > 0) out.push(`${at}: enum values removed (${removed.map(String).join(', ')})`);
    return;
  }
  if (newEnum) {
    out.push(`${at}: narrowed to an enum`);
    return;
  }
  if (before['type'] !== after['type'] && !(before['type'] === 'integer' && after['type'] === 'number')) {
    out.push(`${at}: type changed from ${String(before['type'])} to ${String(after['type'])}`);
    return;
  }
  const raised = (key: string) =>
    typeof after[key] === 'number' && (typeof before[key] !== 'number' || (after[key] as number) > (before[key] as number));
  const lowered = (key: string) =>
    typeof after[key] === 'number' && (typeof before[key] !== 'number' || (after[key] as number) < (before[key] as number));
  for (const key of ['minimum', 'exclusiveMinimum', 'minLength', 'minItems'])
    if (raised(key)) out.push(`${at}: ${key} raised to ${String(after[key])}`);
  for (const key of ['maximum', 'exclusiveMaximum', 'maxLength', 'maxItems'])
    if (lowered(key)) out.push(`${at}: ${key} lowered to ${String(after[key])}`);
  for (const key of ['pattern', 'format']) {
    if (after[key] !== undefined && after[key] !== before[key]) out.push(`${at}: ${key} changed to ${String(after[key])}`);
  }
  if (before['type'] === 'object') {
    const oldProps = (before['properties'] ?? {}) as Record<string, Json>;
    const newProps = (after['properties'] ?? {}) as Record<string, Json>;
    const oldRequired = new Set((before['required'] ?? []) as string[]);
    const newRequired = new Set((after['required'] ?? []) as string[]);
    for (const name of Object.keys(oldProps)) {
      const child = path ? `${path}.${name}` : name;
      if (!(name in newProps)) out.push(`${child}: field removed`);
      else compare(oldProps[name]!, newProps[name]!, child, out);
    }
    for (const name of newRequired) {
      if (!oldRequired.has(name)) out.push(`${path ? `${path}.${name}` : name}: new required field`);
    }
    if (before['additionalProperties'] !== false && after['additionalProperties'] === false)
      out.push(`${at}: additional properties no longer allowed`);
  }
  if (before['type'] === 'array' && before['items'] && after['items'])
    compare(before['items'] as Json, after['items'] as Json, `${path}[]`, out);
}

/** Compares two JSON Schemas of one event type. */
export function checkCompatibility(before: object, after: object): CompatibilityReport {
  const breaking: string[] = [];
  compare(before as Json, after as Json, '', breaking);
  const changed = JSON.stringify(stripDocs(before)) !== JSON.stringify(stripDocs(after));
  return { breaking, changed };
}
