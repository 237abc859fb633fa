// The schema registry (taxonomy part 5): per event type its version, JSON Schema, registration
// time, deprecation and references; it validates envelopes and refuses incompatible versions.
import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { checkCompatibility } from './compatibility.js';
import { EventEnvelopeV1Schema, policyBundleVersion, sourceSystemOf, type EventEnvelopeV1 } from './envelope.js';
import { EVENT_DEFINITIONS, unrelayedEventType } from './events/catalog.js';
import './formats.js';
import { issue, issueFromValueError, type Validated, type ValidationIssue } from './issues.js';

/** When the taxonomy's types were registered. */
export const TAXONOMY_REGISTERED_AT = '2026-02-21T00:00:00.000Z';
/** Most errors reported for one value; a limit keeps a hostile input from costing unbounded work. */
export const VALIDATION_ISSUES_MAX = 32;

export interface Deprecation {
  /** Policy bundle version in which the type was deprecated; it is accepted up to since + 1. */
  readonly since_bundle_version: number;
  readonly replaced_by: string;
}

export interface RegistryEntry {
  readonly event_type: string;
  /** Semantic version of the payload schema; its major equals the type's `.v<major>`. */
  readonly schema_version: string;
  readonly json_schema: TSchema;
  readonly registered_at: string;
  readonly deprecated: boolean;
  readonly deprecation?: Deprecation;
  readonly references: readonly string[];
  readonly example?: Record<string, unknown>;
}

interface Slot {
  entry: RegistryEntry;
  check: TypeCheck<TSchema> | undefined;
}

const SEMVER = /^(\d+)\.(\d+)\.(\d+)$/;
const envelopeCheck = TypeCompiler.Compile(EventEnvelopeV1Schema);

function majorOfType(eventType: string): number | undefined {
  const m = /\.v(\d+)$/.exec(eventType);
  return m ? Number(m[1]) : undefined;
}

function compareSemver(a: string, b: string): number {
  const pa = SEMVER.exec(a)!.slice(1).map(Number);
  const pb = SEMVER.exec(b)!.slice(1).map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i]! - pb[i]!;
  return 0;
}

export interface Registration {
  readonly event_type: string;
  readonly schema_version: string;
  readonly json_schema: TSchema;
  readonly references?: readonly string[];
  readonly registered_at?: string;
  readonly example?: Record<string, unknown>;
}

export class SchemaRegistry {
  readonly #slots = new Map<string, Slot>();

  /** A registry holding the 75 taxonomy types at version 1.0.0. */
  static withTaxonomy(): SchemaRegistry {
    const registry = new SchemaRegistry();
    for (const def of EVENT_DEFINITIONS) {
      const result = registry.register({
        event_type: def.event_type,
        schema_version: '1.0.0',
        json_schema: def.payload,
        references: def.references,
        registered_at: TAXONOMY_REGISTERED_AT,
        example: def.example,
      });
      if (!result.ok)
        throw new Error(`taxonomy type ${def.event_type} does not register: ${result.issues.map((i) => i.message).join('; ')}`);
    }
    return registry;
  }

  /**
   * Registers a type or a new version of one. A patch must not change the schema; a minor must
   * be backward compatible; a breaking change needs a new major, i.e. a new `.v<major>` type.
   */
  register(registration: Registration): Validated<RegistryEntry> {
    const { event_type, schema_version } = registration;
    const semver = SEMVER.exec(schema_version);
    if (!semver) return { ok: false, issues: [issue('schema_version', 'pattern', 'must be a semantic version MAJOR.MINOR.PATCH')] };
    const typeMajor = majorOfType(event_type);
    if (typeMajor === undefined) return { ok: false, issues: [issue('event_type', 'pattern', 'must end in .v<major>')] };
    if (Number(semver[1]) !== typeMajor) {
      return {
        ok: false,
        issues: [
          issue(
            'schema_version',
            'major_mismatch',
            `major ${semver[1]} does not match ${event_type}; a breaking change is registered as a new type ending in .v${Number(semver[1])}`,
          ),
        ],
      };
    }
    const existing = this.#slots.get(event_type);
    if (existing) {
      const prev = existing.entry.schema_version;
      if (compareSemver(schema_version, prev) <= 0) {
        return { ok: false, issues: [issue('schema_version', 'not_newer', `must be newer than the registered ${prev}`)] };
      }
      const report = checkCompatibility(existing.entry.json_schema, registration.json_schema);
      const [, , prevMinor] = SEMVER.exec(prev)!.map(Number);
      const isPatch = Number(semver[2]) === prevMinor;
      if (isPatch && report.changed) {
        return {
          ok: false,
          issues: [
            issue(
              'schema_version',
              'patch_changes_schema',
              `declared a patch over ${prev} but the schema changed; declare a minor (compatible) or a new major`,
            ),
          ],
        };
      }
      if (report.breaking.length > 0) {
        return {
          ok: false,
          issues: report.breaking.map((b) =>
            issue('json_schema', 'breaking_change', `declared ${schema_version} (minor) over ${prev} but is breaking: ${b}`),
          ),
        };
      }
    }
    const entry: RegistryEntry = {
      event_type,
      schema_version,
      json_schema: registration.json_schema,
      registered_at: registration.registered_at ?? new Date().toISOString(),
      deprecated: existing?.entry.deprecated ?? false,
      ...(existing?.entry.deprecation ? { deprecation: existing.entry.deprecation } : {}),
      references: registration.references ?? existing?.entry.references ?? [],
      ...((registration.example ?? existing?.entry.example) ? { example: registration.example ?? existing?.entry.example } : {}),
    };
    this.#slots.set(event_type, { entry, check: undefined });
    return { ok: true, value: entry };
  }

  /** Marks a type deprecated from a policy bundle version on; it stays valid for that version and the next. */
  deprecate(eventType: string, deprecation: Deprecation): Validated<RegistryEntry> {
    const slot = this.#slots.get(eventType);
    if (!slot) return { ok: false, issues: [issue('event_type', 'unknown_event_type', `${eventType} is not registered`)] };
    if (!this.#slots.has(deprecation.replaced_by)) {
      return { ok: false, issues: [issue('replaced_by', 'unknown_event_type', `${deprecation.replaced_by} is not registered`)] };
    }
    slot.entry = { ...slot.entry, deprecated: true, deprecation };
    return { ok: true, value: slot.entry };
  }

  /** The entry for a type; relayed `venture.civ.*` types resolve to the CIV type they wrap. */
  get(eventType: string): RegistryEntry | undefined {
    return this.#slot(eventType)?.entry;
  }

  has(eventType: string): boolean {
    return this.#slot(eventType) !== undefined;
  }

  /** Registered types in registration order (the taxonomy's order for the defaults). */
  list(): RegistryEntry[] {
    return [...this.#slots.values()].map((s) => s.entry);
  }

  #slot(eventType: string): Slot | undefined {
    const direct = this.#slots.get(eventType);
    if (direct) return direct;
    const wrapped = unrelayedEventType(eventType);
    return wrapped ? this.#slots.get(wrapped) : undefined;
  }

  #checker(slot: Slot): TypeCheck<TSchema> {
    slot.check ??= TypeCompiler.Compile(slot.entry.json_schema);
    return slot.check;
  }

  /** Validates a payload against the schema of its type. */
  validatePayload(eventType: string, payload: unknown): Validated<Record<string, unknown>> {
    const slot = this.#slot(eventType);
    if (!slot) return { ok: false, issues: [unknownType(eventType)] };
    const check = this.#checker(slot);
    if (check.Check(payload)) return { ok: true, value: payload as Record<string, unknown> };
    return { ok: false, issues: collect(check, payload, 'payload') };
  }

  /**
   * Validates an envelope: its 10 fields, the payload against the payload schema of its type,
   * the source system against the type, and the deprecation window.
   */
  validateEnvelope(value: unknown): Validated<EventEnvelopeV1> {
    if (envelopeCheck.Check(value)) {
      const slot = this.#slot(value.event_type);
      if (slot) {
        const check = this.#checker(slot);
        if (check.Check(value.payload) && value.source_system === sourceSystemOf(value.event_type) && !slot.entry.deprecated) {
          return { ok: true, value: value as EventEnvelopeV1 };
        }
      }
    }
    const issues = this.#envelopeIssues(value);
    return issues.length === 0 ? { ok: true, value: value as EventEnvelopeV1 } : { ok: false, issues };
  }

  #envelopeIssues(value: unknown): ValidationIssue[] {
    const issues = envelopeCheck.Check(value) ? [] : collect(envelopeCheck, value, '');
    if (!value || typeof value !== 'object' || Array.isArray(value)) return issues;
    const envelope = value as Partial<EventEnvelopeV1>;
    if (typeof envelope.event_type !== 'string') return issues;
    const slot = this.#slot(envelope.event_type);
    if (!slot) {
      if (!issues.some((i) => i.path === 'event_type')) issues.push(unknownType(envelope.event_type));
      return issues;
    }
    if (
      typeof envelope.source_system === 'string' &&
      envelope.source_system !== sourceSystemOf(envelope.event_type) &&
      !issues.some((i) => i.path === 'source_system')
    ) {
      issues.push(
        issue('source_system', 'source_system_mismatch', `must be ${sourceSystemOf(envelope.event_type)} for ${envelope.event_type}`),
      );
    }
    const deprecation = slot.entry.deprecation;
    if (deprecation && typeof envelope.policy_bundle_id === 'string') {
      const version = policyBundleVersion(envelope.policy_bundle_id);
      if (version !== undefined && version > deprecation.since_bundle_version + 1) {
        issues.push(
          issue(
            'event_type',
            'deprecated',
            `${envelope.event_type} is deprecated since policy bundle version ${deprecation.since_bundle_version} and rejected under version ${version}; use ${deprecation.replaced_by}`,
          ),
        );
      }
    }
    if (envelope.payload !== undefined) {
      const check = this.#checker(slot);
      if (!check.Check(envelope.payload)) issues.push(...collect(check, envelope.payload, 'payload'));
    }
    return issues.slice(0, VALIDATION_ISSUES_MAX);
  }
}

function unknownType(eventType: string): ValidationIssue {
  return issue('event_type', 'unknown_event_type', `${eventType} is not a registered event type (see \`kush schemas list\`)`);
}

function collect(check: TypeCheck<TSchema>, value: unknown, prefix: string): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  const seen = new Set<string>();
  for (const error of check.Errors(value)) {
    const found = issueFromValueError(error, prefix);
    // TypeBox reports a failed union once per branch; one line per field and rule is enough.
    const key = `${found.path}|${found.rule}`;
    if (seen.has(key) || seen.has(`${found.path}|required`)) continue;
    seen.add(key);
    out.push(found);
    if (out.length >= VALIDATION_ISSUES_MAX) break;
  }
  return out;
}

/** The registry every part shares unless it needs its own (tests, migrations). */
export const defaultRegistry: SchemaRegistry = SchemaRegistry.withTaxonomy();

export const validateEnvelope = (value: unknown): Validated<EventEnvelopeV1> => defaultRegistry.validateEnvelope(value);
export const validatePayload = (eventType: string, payload: unknown): Validated<Record<string, unknown>> =>
  defaultRegistry.validatePayload(eventType, payload);
