// Shared schema building blocks. Every quantity of energy or money is an integer in a
// named minor unit so that sums are exact (DESIGN.md section 4).
import { Type, type TSchema, type TLiteral, type TUnion } from '@sinclair/typebox';

/** Largest integer JavaScript represents exactly; stands in for the documents' i64. */
export const SAFE_INTEGER_MAX = Number.MAX_SAFE_INTEGER;

export const UUID_PATTERN = '^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$';
/** RFC 3339 date-time: ISO 8601 with a mandatory zone (Z or +hh:mm). */
export const DATE_TIME_PATTERN =
  '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])T([01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(\\.\\d{1,9})?(Z|[+-]([01]\\d|2[0-3]):[0-5]\\d)$';
export const SHA256_HEX_PATTERN = '^[0-9a-f]{64}$';
/** `<name>@<version>`, e.g. `default@1`; the version orders bundles for deprecation windows. */
export const POLICY_BUNDLE_ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}@[0-9]{1,9}$';
export const WORKSPACE_ID_PATTERN = '^[a-z0-9][a-z0-9-]{0,62}$';
export const SNAKE_CASE_PATTERN = '^[a-z][a-z0-9_]*$';
export const ERROR_CODE_PATTERN = '^[A-Z][A-Z0-9_]*$';

// Checked through the format registry (formats.ts) rather than `pattern`, so generated JSON
// Schema says `format: uuid` / `format: date-time` as standard validators expect.
export const Uuid = (description?: string) => Type.String({ format: 'uuid', maxLength: 36, ...(description ? { description } : {}) });
export const DateTime = (description?: string) =>
  Type.String({ format: 'date-time', maxLength: 40, ...(description ? { description } : {}) });
export const Sha256Hex = (description?: string) => Type.String({ pattern: SHA256_HEX_PATTERN, ...(description ? { description } : {}) });
export const PolicyBundleId = () =>
  Type.String({
    pattern: POLICY_BUNDLE_ID_PATTERN,
    description: 'Policy bundle as `<name>@<version>`, e.g. `default@1`.',
  });
export const WorkspaceId = () =>
  Type.String({
    pattern: WORKSPACE_ID_PATTERN,
    description: 'Workspace (tenant) id: lower-case letters, digits and dashes, 1-63 characters.',
  });
/** An identifier chosen by its producer (account ids, entity ids): non-empty, bounded. */
export const EntityId = (description: string) => Type.String({ minLength: 1, maxLength: 128, description });
export const Text = (description: string, maxLength = 4096) => Type.String({ maxLength, description });
export const Name = (description: string) => Type.String({ minLength: 1, maxLength: 256, description });
export const SnakeCase = (description: string) => Type.String({ pattern: SNAKE_CASE_PATTERN, maxLength: 128, description });
export const ErrorCode = () =>
  Type.String({ pattern: ERROR_CODE_PATTERN, maxLength: 64, description: 'Machine-readable error code, UPPER_SNAKE_CASE.' });

export const Count = (description: string) => Type.Integer({ minimum: 0, maximum: SAFE_INTEGER_MAX, description });
export const TickId = () => Type.Integer({ minimum: 0, maximum: SAFE_INTEGER_MAX, description: 'Simulation tick number, from 0.' });
export const DurationMs = (description = 'Wall-clock duration in milliseconds; the only non-deterministic field kind.') =>
  Type.Number({ minimum: 0, description });

/** Energy or CIV money: integer millijoules (CIV-0107's i64 fixed point). */
export const Millijoules = (description: string) =>
  Type.Integer({ minimum: 0, maximum: SAFE_INTEGER_MAX, description: `${description} Integer millijoules (mJ).`, 'x-unit': 'mJ' });
/** Signed millijoules, for deltas. */
export const SignedMillijoules = (description: string) =>
  Type.Integer({
    minimum: -SAFE_INTEGER_MAX,
    maximum: SAFE_INTEGER_MAX,
    description: `${description} Integer millijoules (mJ), signed.`,
    'x-unit': 'mJ',
  });
/** Venture money: integer micro-EAU (1 EAU = 1,000,000 uEAU), so 1 mJ at multiplier 1.0 costs exactly 1 uEAU. */
export const MicroEau = (description: string) =>
  Type.Integer({
    minimum: 0,
    maximum: SAFE_INTEGER_MAX,
    description: `${description} Integer micro-EAU (1 EAU = 1,000,000 uEAU).`,
    'x-unit': 'uEAU',
  });
/** A ledger amount in the minor unit of the account it is posted to (uEAU, mJ, ...). */
export const MinorUnits = (description: string) =>
  Type.Integer({
    minimum: 0,
    maximum: SAFE_INTEGER_MAX,
    description: `${description} Integer, in the minor unit of the account (uEAU for EAU accounts, mJ for energy accounts).`,
    'x-unit': 'minor',
  });
export const SignedMinorUnits = (description: string) =>
  Type.Integer({
    minimum: -SAFE_INTEGER_MAX,
    maximum: SAFE_INTEGER_MAX,
    description: `${description} Signed integer in the account's minor unit.`,
    'x-unit': 'minor',
  });

export const Fraction = (description: string) => Type.Number({ minimum: 0, maximum: 1, description });
export const SignedUnit = (description: string) => Type.Number({ minimum: -1, maximum: 1, description });
export const Percent = (description: string) => Type.Number({ minimum: 0, maximum: 100, description });
export const SignedPercent = (description: string) => Type.Number({ minimum: -1e9, maximum: 1e9, description });

export function Enum<const T extends readonly string[]>(values: T, description: string): TUnion<TLiteral<T[number]>[]> {
  return Type.Union(
    values.map((v) => Type.Literal(v)),
    { description: `${description} One of: ${values.join(', ')}.` },
  ) as TUnion<TLiteral<T[number]>[]>;
}

/** A payload object: exactly the listed fields, all required unless wrapped in Type.Optional. */
export function Payload<T extends Record<string, TSchema>>(properties: T, description: string) {
  return Type.Object(properties, { additionalProperties: false, description });
}

/** Free-form JSON object (snapshots, terms, deltas) with bounded nesting left to the producer. */
export const JsonObject = (description: string) => Type.Object({}, { additionalProperties: true, description });
