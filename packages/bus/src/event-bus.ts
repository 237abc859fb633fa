// The bus interface every adapter implements (embedded SQLite, NATS JetStream), and the batch
// check they share, so both refuse the same input with the same issues.
import { validateEnvelope, type EventEnvelopeV1 } from '@kush/contracts';
import { BusError, type BusIssue } from './bus-error.js';
import { checkFilter } from './subject-filter.js';

export const DEFAULT_WORKSPACE = 'default';
export const WORKSPACE_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
/** Envelopes per publish call: bounds one transaction's size and memory. */
export const PUBLISH_BATCH_MAX = 100_000;
/** Issues reported for a refused batch; the count of invalid envelopes is always exact. */
export const ISSUES_REPORTED_MAX = 1_000;
/** Events returned by one read. */
export const READ_LIMIT_MAX = 100_000;
export const ACK_TIMEOUT_MS_DEFAULT = 30_000;

export interface PublishOptions {
  readonly workspace?: string;
}

export interface PublishResult {
  /** Envelopes stored by this call. */
  readonly accepted: number;
  /** Envelopes whose replay token was already stored (in this workspace); nothing stored for them. */
  readonly duplicates: number;
  /** The sequence of each envelope, in input order; a duplicate gets its original sequence. */
  readonly sequences: readonly number[];
}

export interface BusEvent {
  readonly sequence: number;
  readonly workspace: string;
  /** When the bus stored it (ms since epoch). */
  readonly published_at_ms: number;
  readonly envelope: EventEnvelopeV1;
}

export interface ReadOptions {
  readonly workspace?: string;
  /** Subject filter over event types, e.g. 'civ.economy.*' or 'venture.civ.>'. */
  readonly filter?: string;
  /** First sequence returned (inclusive). */
  readonly fromSequence?: number;
  /** Only events stored at or after this instant (ms since epoch or ISO string). */
  readonly fromTime?: number | string;
  readonly limit?: number;
}

export interface SubscribeOptions {
  readonly filter: string;
  readonly workspace?: string;
  /** A durable consumer's name: its acknowledged position survives restarts. */
  readonly durable?: string;
  /** Unacknowledged deliveries are redelivered after this long. */
  readonly ackTimeoutMs?: number;
  /** Where a new (or non-durable) consumer starts; default: the first event. */
  readonly fromSequence?: number;
}

export interface Delivery {
  readonly event: BusEvent;
  /** 1 for the first delivery, 2+ for redeliveries. */
  readonly attempt: number;
  ack(): Promise<void>;
}

export type DeliveryHandler = (delivery: Delivery) => Promise<void> | void;

export interface Subscription {
  /** Stops deliveries; a durable consumer keeps its position. */
  stop(): Promise<void>;
}

export interface BusStats {
  readonly adapter: 'embedded' | 'nats';
  readonly workspace: string;
  readonly total: number;
  readonly by_type: Readonly<Record<string, number>>;
  readonly last_sequence: number;
}

export interface EventBus {
  publish(envelopes: readonly unknown[], options?: PublishOptions): Promise<PublishResult>;
  read(options?: ReadOptions): Promise<BusEvent[]>;
  subscribe(options: SubscribeOptions, handler: DeliveryHandler): Promise<Subscription>;
  stats(options?: { workspace?: string }): Promise<BusStats>;
  close(): Promise<void>;
}

export function checkWorkspace(workspace: string | undefined): string {
  const w = workspace ?? DEFAULT_WORKSPACE;
  if (!WORKSPACE_PATTERN.test(w))
    throw new BusError('INVALID_WORKSPACE', [
      { path: 'workspace', rule: 'pattern', message: `workspace: '${w}' must match ${WORKSPACE_PATTERN.source}` },
    ]);
  return w;
}

export function checkFilterOption(filter: string | undefined): void {
  if (filter === undefined) return;
  const issue = checkFilter(filter);
  if (issue) throw new BusError('INVALID_FILTER', [issue]);
}

/** Validates every envelope; any invalid one refuses the whole batch, issues named by index. */
export function checkBatch(envelopes: readonly unknown[]): EventEnvelopeV1[] {
  if (!Array.isArray(envelopes))
    throw new BusError('INVALID_OPTION', [{ path: 'envelopes', rule: 'type', message: 'envelopes: must be an array' }]);
  if (envelopes.length > PUBLISH_BATCH_MAX)
    throw new BusError('BATCH_TOO_LARGE', [
      { path: 'envelopes', rule: 'max-items', message: `envelopes: ${envelopes.length} exceeds ${PUBLISH_BATCH_MAX} per publish` },
    ]);
  const issues: BusIssue[] = [];
  let invalid = 0;
  for (let i = 0; i < envelopes.length; i++) {
    const result = validateEnvelope(envelopes[i]);
    if (result.ok) continue;
    invalid++;
    for (const issue of result.issues) {
      if (issues.length >= ISSUES_REPORTED_MAX) break;
      issues.push({ path: `envelopes[${i}].${issue.path}`, rule: issue.rule, message: `envelopes[${i}]: ${issue.message}` });
    }
  }
  if (invalid > 0) throw new BusError('INVALID_ENVELOPE', issues);
  return envelopes as EventEnvelopeV1[];
}

export function checkAckTimeout(ms: number | undefined): number {
  const value = ms ?? ACK_TIMEOUT_MS_DEFAULT;
  if (!Number.isSafeInteger(value) || value < 1)
    throw new BusError('INVALID_OPTION', [
      { path: 'ackTimeoutMs', rule: 'positive-integer', message: 'ackTimeoutMs: must be a positive integer' },
    ]);
  return value;
}

export function timeToMs(value: number | string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = typeof value === 'number' ? value : Date.parse(value);
  if (!Number.isFinite(ms))
    throw new BusError('INVALID_OPTION', [
      { path: 'fromTime', rule: 'date-time', message: 'fromTime: must be ms since epoch or an ISO date-time' },
    ]);
  return ms;
}
