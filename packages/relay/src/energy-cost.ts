// Flow E's conversion (taxonomy 3.2): eau_cost = energy_qty x 0.001 EAU/J x multiplier by source.
// Energy is in millijoules and EAU in micro-EAU, so 1 mJ at multiplier 1.0 costs exactly 1 uEAU;
// multipliers are kept in tenths so the product stays an integer until one final rounding.
import type { EnergySourceType } from '@kush/contracts';

/** Multiplier x 10 per source type: renewable 1.0, fossil 1.5, nuclear 0.8, storage discharge 2.0. */
export const SOURCE_MULTIPLIER_TENTHS: Readonly<Record<EnergySourceType, number>> = {
  renewable: 10,
  fossil: 15,
  nuclear: 8,
  storage: 20,
};

/** EAU cost in micro-EAU of consuming `energyMj` millijoules from a source; rounds half up. */
export function energyCostUeau(energyMj: number, source: EnergySourceType): number {
  if (!Number.isSafeInteger(energyMj) || energyMj < 0)
    throw new RangeError(`energy_qty: must be a non-negative integer (mJ), got ${energyMj}`);
  const tenths = SOURCE_MULTIPLIER_TENTHS[source];
  if (tenths === undefined) throw new RangeError(`source_type: must be one of ${Object.keys(SOURCE_MULTIPLIER_TENTHS).join(', ')}`);
  const product = energyMj * tenths;
  if (!Number.isSafeInteger(product)) throw new RangeError(`energy_qty: ${energyMj} mJ overflows the cost computation`);
  return Math.floor((product + 5) / 10);
}
