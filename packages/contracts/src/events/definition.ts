import type { TSchema } from '@sinclair/typebox';

/** One event type of the taxonomy: its payload schema, where it comes from, and a valid example payload. */
export interface EventDefinition {
  readonly event_type: string;
  readonly payload: TSchema;
  /** Specification documents the type comes from (taxonomy part 5 `references`). */
  readonly references: readonly string[];
  readonly example: Record<string, unknown>;
}

export function defineEvent(
  event_type: string,
  payload: TSchema,
  references: readonly string[],
  example: Record<string, unknown>,
): EventDefinition {
  return { event_type, payload, references, example };
}
