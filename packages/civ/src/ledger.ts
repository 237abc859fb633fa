// The joule ledger: every movement of value is a double-entry transfer between two accounts of the
// shared balance vector. Transfers are recorded for events at the event level's granularity: in
// full mode per account pair and reason; in summary mode citizens are grouped into their region's
// households, so a million-citizen tick books thousands of transfers, not millions.
import { SOURCE_ACCOUNT, accountId, type World } from './world.js';

export const TRANSFER_REASONS = [
  'production',
  'wage',
  'income_tax',
  'purchase',
  'depreciation',
  'subsidy',
  'investment',
  'interest',
  'energy_generation',
  'energy_purchase',
  'energy_consumption',
] as const;
export type TransferReason = (typeof TRANSFER_REASONS)[number];
const REASON_INDEX = new Map(TRANSFER_REASONS.map((r, i) => [r, i]));

export type EventLevel = 'summary' | 'full';

/**
 * The account an event names for an account index. Full level: the account itself. Summary
 * level: citizens, firms and producers are grouped per region (households, firms, producers of
 * region r), which keeps a tick's transfers to a few per region whatever the population.
 */
export function summaryAccount(w: World, level: EventLevel, index: number): number {
  if (level === 'full' || index < w.producerBase) return index;
  const groups = w.citizenBase + w.citizenCount;
  if (index >= w.citizenBase) return groups + w.citizenRegion[index - w.citizenBase]!;
  if (index >= w.firmBase) return groups + w.regionCount + Math.floor((index - w.firmBase) / 3);
  return groups + 2 * w.regionCount + Math.floor((index - w.producerBase) / 4);
}

export function summaryAccountId(w: World, eventIndex: number): string {
  const groups = w.citizenBase + w.citizenCount;
  if (eventIndex < groups) return accountId(w, eventIndex);
  const k = eventIndex - groups;
  if (k < w.regionCount) return `households:region:${k}`;
  if (k < 2 * w.regionCount) return `firms:region:${k - w.regionCount}`;
  return `producers:region:${k - 2 * w.regionCount}`;
}

export class ConservationError extends Error {
  constructor(
    readonly code: 'CONSERVATION_VIOLATED' | 'INVALID_TRANSFER' | 'OVERDRAFT',
    message: string,
  ) {
    super(message);
  }
}

export interface BookedTransfer {
  readonly sender_id: string;
  readonly receiver_id: string;
  readonly amount: number;
  readonly reason: TransferReason;
}

export class Ledger {
  /** Aggregated amounts by (sender event account, receiver event account, reason). */
  readonly #pending = new Map<number, number>();
  readonly #accounts: number;
  /** mJ moved since the last resetVolume (a tick's transfer volume metric). */
  #volumeMj = 0;
  /** The key and summed amount of the current run of same-key moves, not yet in #pending (-1: none). */
  #runKey = -1;
  #runAmount = 0;

  constructor(
    private readonly world: World,
    private readonly level: EventLevel,
  ) {
    this.#accounts = world.citizenBase + world.citizenCount + 3 * world.regionCount;
  }

  /** Account index as events see it: in summary mode a citizen is its region's households. */
  #eventAccount(index: number): number {
    return summaryAccount(this.world, this.level, index);
  }

  #eventAccountId(eventIndex: number): string {
    return summaryAccountId(this.world, eventIndex);
  }

  /** Moves value; only the production source may go below zero. */
  move(from: number, to: number, amount: number, reason: TransferReason): void {
    if (amount === 0) return;
    if (!Number.isSafeInteger(amount) || amount < 0)
      throw new ConservationError('INVALID_TRANSFER', `amount: must be a non-negative integer of mJ, got ${amount} (${reason})`);
    const balances = this.world.balances;
    if (from !== SOURCE_ACCOUNT && balances[from]! < amount) {
      throw new ConservationError(
        'OVERDRAFT',
        `${accountId(this.world, from)} holds ${balances[from]} mJ and cannot pay ${amount} mJ (${reason})`,
      );
    }
    balances[from] = balances[from]! - amount;
    balances[to] = balances[to]! + amount;
    this.#volumeMj += amount;
    const key = (this.#eventAccount(from) * this.#accounts + this.#eventAccount(to)) * TRANSFER_REASONS.length + REASON_INDEX.get(reason)!;
    // Consecutive moves mostly share a key (a firm paying the citizens of one region); summing them
    // here before touching the Map keeps the hot path off hashing large non-SMI keys.
    if (key === this.#runKey) {
      this.#runAmount += amount;
      return;
    }
    this.#flushRun();
    this.#runKey = key;
    this.#runAmount = amount;
  }

  #flushRun(): void {
    if (this.#runKey < 0) return;
    this.#pending.set(this.#runKey, (this.#pending.get(this.#runKey) ?? 0) + this.#runAmount);
    this.#runKey = -1;
    this.#runAmount = 0;
  }

  /** mJ moved since the last reset, including transfers that net out inside a region's households. */
  get volumeMj(): number {
    return this.#volumeMj;
  }

  resetVolume(): void {
    this.#volumeMj = 0;
  }

  /** The transfers booked since the last drain, in a deterministic order (by key). */
  drain(): BookedTransfer[] {
    this.#flushRun();
    const keys = [...this.#pending.keys()].sort((a, b) => a - b);
    const out: BookedTransfer[] = [];
    for (const key of keys) {
      const amount = this.#pending.get(key)!;
      if (amount === 0) continue;
      const reason = TRANSFER_REASONS[key % TRANSFER_REASONS.length]!;
      const pair = Math.floor(key / TRANSFER_REASONS.length);
      const to = pair % this.#accounts;
      const from = Math.floor(pair / this.#accounts);
      // A transfer between two citizens of one region nets out inside its households.
      if (from === to) continue;
      out.push({ sender_id: this.#eventAccountId(from), receiver_id: this.#eventAccountId(to), amount, reason });
    }
    this.#pending.clear();
    return out;
  }
}

/** The total over all accounts, which every tick must leave at zero. */
export function ledgerTotal(world: World): number {
  let total = 0;
  const b = world.balances;
  for (let i = 0; i < b.length; i++) total += b[i]!;
  return total;
}

/** Balances at event granularity (citizens grouped per region in summary mode), for reconciliation. */
export function eventBalances(world: World, level: EventLevel): Map<string, number> {
  const out = new Map<string, number>();
  const b = world.balances;
  for (let i = 0; i < b.length; i++) {
    const id = summaryAccountId(world, summaryAccount(world, level, i));
    out.set(id, (out.get(id) ?? 0) + b[i]!);
  }
  return out;
}
