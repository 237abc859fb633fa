// The relay (taxonomy part 3): applies one tick of CIV events to Venture inside the caller's
// transaction and returns every Venture event to publish: the relayed venture.civ.* events and what
// flows A-E cause. Progress per run is stored in the same transaction, so a restarted relay resumes
// after the last applied tick and never applies a tick twice; ids derive from the CIV event ids, so
// re-deriving a tick's outputs gives byte-identical events (and the bus drops them as duplicates).
import { createEnvelope, deterministicUuid, type EnergySourceType, type EventEnvelopeV1 } from '@kush/contracts';
import { citizenSignals, CITIZEN_EVENTS } from './citizen-signals.js';
import { energyCostUeau } from './energy-cost.js';
import type { BudgetPort, CompliancePort, LedgerPort, MirrorTransfer, SharedTransaction } from './ports.js';
import { relayEnvelope } from './translation.js';

export interface RelayOptions {
  readonly workspace: string;
  readonly runId: string;
  /** The bundle the workflow was pinned to; an event under another bundle is a violation. */
  readonly pinnedBundleId: string;
  readonly ledger: LedgerPort;
  readonly budget: BudgetPort;
  readonly compliance: CompliancePort;
  /** Called when flow E exceeds the quota (taxonomy 3.3 feedback loop, behind a flag). */
  readonly onBudgetExceeded?: (tick: number, overage_ueau: number) => void;
}

export interface TickOutcome {
  readonly applied: boolean;
  readonly events: EventEnvelopeV1[];
  readonly transfers_mirrored: number;
  readonly energy_cost_ueau: number;
  readonly budget_exceeded: boolean;
}

export class Relay {
  constructor(private readonly options: RelayOptions) {}

  /** The last tick applied for this run, or -1. */
  async lastTick(trx: SharedTransaction): Promise<number> {
    const row = await trx
      .selectFrom('relay_progress')
      .select('last_tick')
      .where('workspace_id', '=', this.options.workspace)
      .where('run_id', '=', this.options.runId)
      .executeTakeFirst();
    return row ? Number(row.last_tick) : -1;
  }

  async applyTick(trx: SharedTransaction, tick: number, civEvents: readonly EventEnvelopeV1[]): Promise<TickOutcome> {
    const { workspace, runId, pinnedBundleId } = this.options;
    if (tick <= (await this.lastTick(trx)))
      return { applied: false, events: [], transfers_mirrored: 0, energy_cost_ueau: 0, budget_exceeded: false };
    const out: EventEnvelopeV1[] = [];
    const transfers: MirrorTransfer[] = [];
    const transferEvents: EventEnvelopeV1[] = [];
    let energyCost = 0;
    let exceeded = false;
    for (const civ of civEvents) {
      const relayed = relayEnvelope(civ);
      out.push(relayed);
      if (relayed.policy_bundle_id !== pinnedBundleId) out.push(...bundleMismatch(relayed, pinnedBundleId));
      if (relayed.event_type === 'venture.civ.economy.transfer_booked.v1') {
        const p = relayed.payload;
        transfers.push({
          sender_id: String(p['sender_id']),
          receiver_id: String(p['receiver_id']),
          amount_mj: Number(p['amount']),
          reference_id: civ.event_id,
          idempotency_key: `civ-transfer:${civ.event_id}`,
          created_at: civ.created_at,
        });
        transferEvents.push(relayed);
      } else if (relayed.event_type === 'venture.civ.energy.consumed.v1') {
        const cost = energyCostUeau(Number(relayed.payload['energy_qty']), relayed.payload['source_type'] as EnergySourceType);
        energyCost += cost;
      } else if (CITIZEN_EVENTS.has(relayed.event_type)) {
        out.push(...(await citizenSignals(trx, relayed, { workspace })));
      }
      out.push(...(await this.options.compliance.handle(trx, relayed)));
    }
    // Flow A: the tick's transfers post as one linked batch, each entry referencing its CIV event.
    if (transfers.length > 0) {
      const entries = await this.options.ledger.postTransfers(trx, workspace, pinnedBundleId, transfers);
      entries.forEach((payload, i) =>
        out.push(
          derived(transferEvents[Math.min(i, transferEvents.length - 1)]!, 'venture.ledger.entry_created.v1', payload, `ledger.${i}`),
        ),
      );
    }
    // Flow E: the tick's energy use is charged to the workspace quota once, per tick.
    if (energyCost > 0) {
      const anchor = civEvents[civEvents.length - 1]!;
      const outcome = await this.options.budget.consume(trx, {
        workspace,
        amount_ueau: energyCost,
        reference_id: `civ-energy:${runId}:${tick}`,
        idempotency_key: `civ-energy:${runId}:${tick}`,
      });
      if (!outcome.ok) {
        exceeded = true;
        const relayedAnchor = relayEnvelope(anchor);
        out.push(
          derived(
            relayedAnchor,
            'venture.budget.exceeded.v1',
            {
              workspace_id: workspace,
              budget_limit: outcome.budget_limit,
              actual_spend: outcome.actual_spend,
              overage_amount: outcome.overage_amount,
            },
            'budget.exceeded',
          ),
        );
        this.options.onBudgetExceeded?.(tick, outcome.overage_amount);
      }
    }
    await trx
      .insertInto('relay_progress')
      .values({
        workspace_id: workspace,
        run_id: runId,
        last_tick: tick,
        events_applied: civEvents.length,
        pinned_bundle_id: pinnedBundleId,
      })
      .onConflict((oc) =>
        oc
          .columns(['workspace_id', 'run_id'])
          .doUpdateSet((eb) => ({ last_tick: tick, events_applied: eb('relay_progress.events_applied', '+', civEvents.length) })),
      )
      .execute();
    return { applied: true, events: out, transfers_mirrored: transfers.length, energy_cost_ueau: energyCost, budget_exceeded: exceeded };
  }
}

function derived(source: EventEnvelopeV1, eventType: string, payload: Record<string, unknown>, discriminator: string): EventEnvelopeV1 {
  return createEnvelope({
    event_id: deterministicUuid('relay.derived', source.event_id, discriminator),
    event_type: eventType,
    workflow_id: source.workflow_id,
    task_id: source.task_id,
    trace_id: source.trace_id,
    policy_bundle_id: source.policy_bundle_id,
    payload,
    created_at: source.created_at,
  });
}

// Policy bundle pinning (taxonomy 3.1): a CIV event evaluated under another bundle than its
// workflow's is drift and a compliance violation.
function bundleMismatch(event: EventEnvelopeV1, pinned: string): EventEnvelopeV1[] {
  return [
    derived(
      event,
      'venture.compliance.policy_drift.v1',
      {
        drift_id: deterministicUuid('relay.drift', event.event_id),
        expected_bundle_id: pinned,
        actual_bundle_id: event.policy_bundle_id,
        diff_summary: `${event.event_type} carries ${event.policy_bundle_id}; the workflow is pinned to ${pinned}`,
      },
      'drift',
    ),
    derived(
      event,
      'venture.compliance.violation_detected.v1',
      {
        violation_id: deterministicUuid('relay.violation', event.event_id),
        violation_type: 'policy_bundle_mismatch',
        severity_level: 'high',
        affected_workflow_id: event.workflow_id,
        remediation_action: 'escalate_to_human',
      },
      'violation',
    ),
  ];
}
