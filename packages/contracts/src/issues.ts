// Validation errors as values: every issue names the field (a dotted path) and the rule broken.
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';

export interface ValidationIssue {
  /** Dotted path of the field, e.g. `payload.clearing_efficiency`; `(root)` for the whole value. */
  readonly path: string;
  /** Rule broken: required, unknown_field, type, enum, minimum, maximum, pattern, format, ... */
  readonly rule: string;
  /** `<path>: <what must hold>`, ready to show to a person. */
  readonly message: string;
}

export type Validated<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly issues: readonly ValidationIssue[] };

export function issue(path: string, rule: string, requirement: string): ValidationIssue {
  return { path, rule, message: `${path}: ${requirement}` };
}

/** `/payload/supply_qty` -> `payload.supply_qty`; array indexes stay numeric (`phase_hashes.0.phase`). */
export function dottedPath(pointer: string, prefix = ''): string {
  const parts = pointer
    .split('/')
    .filter((p) => p.length > 0)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  const joined = [prefix, ...parts].filter((p) => p.length > 0).join('.');
  return joined.length > 0 ? joined : '(root)';
}

function describeType(schema: Record<string, unknown>): string {
  if (schema['type'] === 'integer') return 'an integer';
  if (schema['type'] === 'number') return 'a number';
  if (schema['type'] === 'string') return 'a string';
  if (schema['type'] === 'boolean') return 'a boolean';
  if (schema['type'] === 'array') return 'an array';
  if (schema['type'] === 'object') return 'an object';
  if (schema['type'] === 'null') return 'null';
  return 'of the declared type';
}

/** Turns one TypeBox error into an issue whose message a person can act on. */
export function issueFromValueError(error: ValueError, prefix = ''): ValidationIssue {
  const schema = error.schema as Record<string, unknown>;
  const path = dottedPath(error.path, prefix);
  switch (error.type) {
    case ValueErrorType.ObjectRequiredProperty:
      return issue(path, 'required', 'is required');
    case ValueErrorType.ObjectAdditionalProperties:
      return issue(path, 'unknown_field', 'is not a field of this schema (no extra fields allowed)');
    case ValueErrorType.Union: {
      const anyOf = schema['anyOf'] as Array<Record<string, unknown>> | undefined;
      if (anyOf && anyOf.every((s) => 'const' in s)) {
        return issue(path, 'enum', `must be one of ${anyOf.map((s) => String(s['const'])).join(', ')}`);
      }
      return issue(path, 'type', 'matches none of the allowed types');
    }
    case ValueErrorType.Literal:
      return issue(path, 'enum', `must be ${JSON.stringify(schema['const'])}`);
    case ValueErrorType.NumberMaximum:
    case ValueErrorType.IntegerMaximum:
      return issue(path, 'maximum', `must be <= ${String(schema['maximum'])}`);
    case ValueErrorType.NumberMinimum:
    case ValueErrorType.IntegerMinimum:
      return issue(path, 'minimum', `must be >= ${String(schema['minimum'])}`);
    case ValueErrorType.NumberExclusiveMaximum:
    case ValueErrorType.IntegerExclusiveMaximum:
      return issue(path, 'maximum', `must be < ${String(schema['exclusiveMaximum'])}`);
    case ValueErrorType.NumberExclusiveMinimum:
    case ValueErrorType.IntegerExclusiveMinimum:
      return issue(path, 'minimum', `must be > ${String(schema['exclusiveMinimum'])}`);
    case ValueErrorType.Integer:
      return issue(path, 'type', 'must be an integer');
    case ValueErrorType.Number:
      return issue(path, 'type', 'must be a finite number');
    case ValueErrorType.String:
      return issue(path, 'type', 'must be a string');
    case ValueErrorType.Boolean:
      return issue(path, 'type', 'must be a boolean');
    case ValueErrorType.Array:
      return issue(path, 'type', 'must be an array');
    case ValueErrorType.Object:
      return issue(path, 'type', 'must be an object');
    case ValueErrorType.Null:
      return issue(path, 'type', 'must be null');
    case ValueErrorType.StringPattern:
      return issue(path, 'pattern', `must match ${String(schema['pattern'])}`);
    case ValueErrorType.StringFormat:
    case ValueErrorType.StringFormatUnknown: {
      const format = String(schema['format']);
      const what =
        format === 'uuid'
          ? 'a UUID (8-4-4-4-12 lower-case hex, RFC 9562)'
          : format === 'date-time'
            ? 'an ISO 8601 date-time with a zone (Z or +hh:mm)'
            : format;
      return issue(path, 'format', `must be ${what}`);
    }
    case ValueErrorType.StringMinLength:
      return issue(
        path,
        'min_length',
        Number(schema['minLength']) === 1 ? 'must not be empty' : `must have at least ${String(schema['minLength'])} characters`,
      );
    case ValueErrorType.StringMaxLength:
      return issue(path, 'max_length', `must have at most ${String(schema['maxLength'])} characters`);
    case ValueErrorType.ArrayMinItems:
      return issue(path, 'min_items', `must have at least ${String(schema['minItems'])} items`);
    case ValueErrorType.ArrayMaxItems:
      return issue(path, 'max_items', `must have at most ${String(schema['maxItems'])} items`);
    default:
      return issue(path, 'type', `must be ${describeType(schema)} (${error.message})`);
  }
}

export function formatIssues(issues: readonly ValidationIssue[]): string {
  return issues.map((i) => i.message).join('\n');
}
