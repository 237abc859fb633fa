// Builds the civ.* envelopes of a tick. Ids derive from (run id, tick, sequence): one SHA-256 per
// tick gives a base, and each event's id is that base with its sequence number folded in (a UUID
// version 8), so ids cost almost nothing and the same run always produces the same log.
import { createHash } from 'node:crypto';
import { deterministicUuid, type EventEnvelopeV1 } from '@kush/contracts';

/** Simulation time of tick 0; a tick is one week. */
export const SIMULATION_EPOCH_MS = Date.UTC(2026, 0, 1);
export const TICK_DURATION_MS = 7 * 24 * 3_600_000;

export function tickTime(tick: number): string {
  // Simulation time, not wall time: derived from the tick only.
  const ms = SIMULATION_EPOCH_MS + tick * TICK_DURATION_MS;
  return isoFromMs(ms);
}

function isoFromMs(ms: number): string {
  const days = Math.floor(ms / 86_400_000);
  let rest = ms - days * 86_400_000;
  // civil-from-days (Howard Hinnant's algorithm), so no Date object is needed in the engine
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  const hh = Math.floor(rest / 3_600_000);
  rest -= hh * 3_600_000;
  const mm = Math.floor(rest / 60_000);
  rest -= mm * 60_000;
  const ss = Math.floor(rest / 1000);
  const msPart = rest - ss * 1000;
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(y, 4)}-${p(m)}-${p(d)}T${p(hh)}:${p(mm)}:${p(ss)}.${p(msPart, 3)}Z`;
}

export class TickEmitter {
  readonly events: EventEnvelopeV1[] = [];
  readonly #base: Buffer;
  readonly #created: string;
  readonly #taskId: string;

  constructor(
    private readonly runId: string,
    private readonly traceId: string,
    readonly tick: number,
    private readonly bundle: () => string,
  ) {
    this.#base = createHash('sha256').update(`kush.civ.event:${runId}:${tick}`).digest();
    this.#created = tickTime(tick);
    this.#taskId = deterministicUuid('civ.tick', runId, tick);
  }

  get taskId(): string {
    return this.#taskId;
  }

  #id(seq: number): string {
    const b = Buffer.from(this.#base.subarray(0, 16));
    b.writeUInt32BE((b.readUInt32BE(12) ^ seq) >>> 0, 12);
    b[6] = (b[6]! & 0x0f) | 0x80;
    b[8] = (b[8]! & 0x3f) | 0x80;
    const h = b.toString('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  emit(eventType: string, payload: Record<string, unknown>): void {
    const event_id = this.#id(this.events.length);
    this.events.push({
      event_id,
      event_type: eventType,
      workflow_id: this.runId,
      task_id: this.#taskId,
      trace_id: this.traceId,
      policy_bundle_id: this.bundle(),
      payload,
      created_at: this.#created,
      source_system: 'civ',
      replay_token: `civ:${event_id}:${this.#created}`,
    });
  }
}
