import { exampleEnvelope, validateEnvelope } from '@kush/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { energyCostUeau, relayEnvelope } from '@kush/relay';

describe('relayEnvelope (taxonomy 3.1)', () => {
  const civ = exampleEnvelope('civ.economy.transfer_booked.v1')!;
  const relayed = relayEnvelope(civ);

  it('translates the namespace and keeps workflow, task, trace, bundle, payload and time', () => {
    expect(relayed.event_type).toBe('venture.civ.economy.transfer_booked.v1');
    expect(relayed.source_system).toBe('venture');
    expect(relayed).toMatchObject({
      workflow_id: civ.workflow_id,
      task_id: civ.task_id,
      trace_id: civ.trace_id,
      policy_bundle_id: civ.policy_bundle_id,
      created_at: civ.created_at,
    });
    expect(relayed.payload).toEqual(civ.payload);
    expect(validateEnvelope(relayed).ok).toBe(true);
  });

  it('derives a new event id and a replay token from the source event id, deterministically', () => {
    expect(relayed.event_id).not.toBe(civ.event_id);
    expect(relayEnvelope(civ)).toEqual(relayed);
    expect(relayed.replay_token).toBe(`venture:${civ.event_id}:${civ.created_at}`);
    expect(relayed.replay_token).not.toBe(civ.replay_token);
  });

  it('refuses to relay a Venture event', () => {
    expect(() => relayEnvelope(exampleEnvelope('venture.task.started.v1')!)).toThrow(/only civ\.\* events/);
  });
});

describe('energyCostUeau (flow E)', () => {
  it('applies 0.001 EAU per joule and the source multipliers', () => {
    // 1 J = 1,000 mJ -> 0.001 EAU = 1,000 uEAU at 1.0x
    expect(energyCostUeau(1000, 'renewable')).toBe(1000);
    expect(energyCostUeau(1000, 'fossil')).toBe(1500);
    expect(energyCostUeau(1000, 'nuclear')).toBe(800);
    expect(energyCostUeau(1000, 'storage')).toBe(2000);
    expect(energyCostUeau(1, 'fossil')).toBe(2); // 1.5 rounds half up
  });

  it('is monotonic and exact for whole joules', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e12 }),
        fc.constantFrom('renewable', 'fossil', 'nuclear', 'storage' as const),
        (mj, source) => {
          const cost = energyCostUeau(mj, source);
          return (
            cost >= 0 &&
            energyCostUeau(mj + 1, source) >= cost &&
            (mj % 10 !== 0 || cost * 10 === mj * { renewable: 10, fossil: 15, nuclear: 8, storage: 20 }[source])
          );
        },
      ),
    );
  });

  it('refuses negative or fractional energy', () => {
    expect(() => energyCostUeau(-1, 'renewable')).toThrow(/energy_qty/);
    expect(() => energyCostUeau(1.5, 'renewable')).toThrow(/energy_qty/);
  });
});
