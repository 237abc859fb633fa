// What the relay needs from the parts it drives. The integrated runner adapts the treasury and
// the compliance machine to these, so the relay depends on contracts, not on their internals.
import type { EventEnvelopeV1 } from '@kush/contracts';
import type { Transaction } from 'kysely';

// The relay shares its caller's transaction with every part; its tables are a union the relay
// cannot name, hence the open table map.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type SharedTransaction = Transaction<any>;

/** One CIV transfer mirrored into the Venture ledger (flow A). */
export interface MirrorTransfer {
  /** CIV account the value leaves; the ledger debits its mirror account. */
  readonly sender_id: string;
  /** CIV account the value enters; the ledger credits its mirror account. */
  readonly receiver_id: string;
  readonly amount_mj: number;
  /** The CIV event id (taxonomy flow A: reference_id = civ_event_id). */
  readonly reference_id: string;
  readonly idempotency_key: string;
  /** Simulation time of the CIV event. */
  readonly created_at: string;
}

export interface LedgerPort {
  /** Posts the transfers of one CIV event set in the caller's transaction; returns entry_created payloads. */
  postTransfers(
    trx: SharedTransaction,
    workspace: string,
    policyBundleId: string,
    transfers: readonly MirrorTransfer[],
  ): Promise<Array<Record<string, unknown>>>;
}

export interface BudgetCharge {
  readonly workspace: string;
  readonly amount_ueau: number;
  readonly reference_id: string;
  readonly idempotency_key: string;
}

export type BudgetOutcome =
  | { readonly ok: true }
  | { readonly ok: false; readonly budget_limit: number; readonly actual_spend: number; readonly overage_amount: number };

export interface BudgetPort {
  /** Consumes workspace budget (flow E); over quota it reports the overage instead. */
  consume(trx: SharedTransaction, charge: BudgetCharge): Promise<BudgetOutcome>;
}

export interface CompliancePort {
  handle(trx: SharedTransaction, event: EventEnvelopeV1): Promise<EventEnvelopeV1[]>;
}
