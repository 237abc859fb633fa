import { createEnvelope, deterministicUuid, validateEnvelope } from '@kush/contracts';
import { openDatabase } from '@kush/runtime';
import { describe, expect, it } from 'vitest';
import { citizenSignals, mapCitizenToUser, migrateRelay, relayEnvelope, type RelayTables } from '@kush/relay';

const civ = (type: string, payload: Record<string, unknown>, n: number) =>
  relayEnvelope(
    createEnvelope({
      event_id: deterministicUuid('t', n),
      event_type: type,
      workflow_id: deterministicUuid('run'),
      task_id: deterministicUuid('tick', 1),
      trace_id: deterministicUuid('trace'),
      policy_bundle_id: 'default@1',
      payload: { tick_id: 1, ...payload },
      created_at: '2026-01-01T01:00:00.000Z',
    }),
  );

describe('flow C', () => {
  it('signals mapped users, counts the rest, and never creates users', async () => {
    const database = await openDatabase<RelayTables>({ sqlitePath: ':memory:' });
    await migrateRelay(database as never);
    const born = civ('civ.citizen.born.v1', { citizen_id: 'citizen:1', parent_ids: [], birth_location: 'region:1', genetic_traits: [] }, 1);
    const career = civ(
      'civ.citizen.career_changed.v1',
      {
        citizen_id: 'citizen:2',
        old_career: 'unemployed',
        new_career: 'industry',
        employer_id: 'firm:1',
        salary_before: 0,
        salary_after: 10,
      },
      2,
    );
    const out = await database.db.transaction().execute(async (trx) => {
      await mapCitizenToUser(trx, 'acme', 'citizen:2', 'user:ada');
      return [
        ...(await citizenSignals(trx, born, { workspace: 'acme' })),
        ...(await citizenSignals(trx, career, { workspace: 'acme', userTier: () => 'tier_2_standard' })),
      ];
    });
    expect(out.map((e) => e.event_type)).toEqual(['venture.user.activity_signal.v1', 'venture.user.capability_changed.v1']);
    for (const e of out) expect(validateEnvelope(e).ok).toBe(true);
    expect(out[1]!.payload).toMatchObject({
      user_id: 'user:ada',
      old_capability_tier: 'tier_2_standard',
      new_capability_tier: 'tier_1_advanced',
    });
    const observed = await database.db.selectFrom('relay_observations').selectAll().execute();
    expect(observed).toEqual([{ workspace_id: 'acme', run_id: born.workflow_id, event_type: 'venture.civ.citizen.born.v1', count: 1 }]);
    await database.close();
  });
});
