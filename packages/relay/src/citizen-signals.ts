// Flow C (taxonomy 3.2): citizen lifecycle events become user activity signals for citizens an
// operator mapped to a Venture user (opt-in), and a career change raises the user's capability
// tier; every other citizen only adds to an observational count. Users are never created here.
import { createEnvelope, deterministicUuid, type CapabilityTier, type EventEnvelopeV1 } from '@kush/contracts';
import type { Transaction } from 'kysely';
import type { RelayTables } from './tables.js';

export const CITIZEN_EVENTS = new Set([
  'venture.civ.citizen.born.v1',
  'venture.civ.citizen.retired.v1',
  'venture.civ.citizen.died.v1',
  'venture.civ.citizen.career_changed.v1',
]);

/** Activity value per life event: 1 = the user becomes active, 0 = the user leaves. */
const LIFE_SIGNAL: Readonly<Record<string, number>> = {
  'venture.civ.citizen.born.v1': 1,
  'venture.civ.citizen.career_changed.v1': 1,
  'venture.civ.citizen.retired.v1': 0.5,
  'venture.civ.citizen.died.v1': 0,
};

const TIER_UP: Readonly<Record<CapabilityTier, CapabilityTier>> = {
  tier_3_limited: 'tier_2_standard',
  tier_2_standard: 'tier_1_advanced',
  tier_1_advanced: 'tier_1_advanced',
  tier_0_admin: 'tier_0_admin',
};

export interface CitizenSignalOptions {
  readonly workspace: string;
  /** Looks up a mapped user's current tier; the control plane owns users. */
  readonly userTier?: (userId: string) => CapabilityTier | undefined;
}

export async function citizenSignals(
  trx: Transaction<RelayTables>,
  event: EventEnvelopeV1,
  options: CitizenSignalOptions,
): Promise<EventEnvelopeV1[]> {
  if (!CITIZEN_EVENTS.has(event.event_type)) return [];
  const citizenId = String(event.payload['citizen_id']);
  const mapped = await trx
    .selectFrom('relay_citizen_users')
    .select('user_id')
    .where('workspace_id', '=', options.workspace)
    .where('citizen_id', '=', citizenId)
    .executeTakeFirst();
  if (!mapped) {
    await trx
      .insertInto('relay_observations')
      .values({ workspace_id: options.workspace, run_id: event.workflow_id, event_type: event.event_type, count: 1 })
      .onConflict((oc) =>
        oc.columns(['workspace_id', 'run_id', 'event_type']).doUpdateSet((eb) => ({ count: eb('relay_observations.count', '+', 1) })),
      )
      .execute();
    return [];
  }
  const make = (eventType: string, payload: Record<string, unknown>, n: number) =>
    createEnvelope({
      event_id: deterministicUuid('relay.citizen', event.event_id, n),
      event_type: eventType,
      workflow_id: event.workflow_id,
      task_id: event.task_id,
      trace_id: event.trace_id,
      policy_bundle_id: event.policy_bundle_id,
      payload,
      created_at: event.created_at,
    });
  const out = [
    make(
      'venture.user.activity_signal.v1',
      {
        user_id: mapped.user_id,
        signal_type: 'task_completion_rate',
        metric_value: LIFE_SIGNAL[event.event_type] ?? 0,
        observation_window: `tick:${String(event.payload['tick_id'])}`,
      },
      0,
    ),
  ];
  if (event.event_type === 'venture.civ.citizen.career_changed.v1' && options.userTier) {
    const before = options.userTier(mapped.user_id);
    const after = before ? TIER_UP[before] : undefined;
    if (before && after && after !== before) {
      out.push(
        make(
          'venture.user.capability_changed.v1',
          { user_id: mapped.user_id, old_capability_tier: before, new_capability_tier: after, reason: 'career_change' },
          1,
        ),
      );
    }
  }
  return out;
}

/** Maps a citizen to an existing user (opt-in). */
export async function mapCitizenToUser(trx: Transaction<RelayTables>, workspace: string, citizenId: string, userId: string): Promise<void> {
  await trx
    .insertInto('relay_citizen_users')
    .values({ workspace_id: workspace, citizen_id: citizenId, user_id: userId })
    .onConflict((oc) => oc.columns(['workspace_id', 'citizen_id']).doUpdateSet({ user_id: userId }))
    .execute();
}
