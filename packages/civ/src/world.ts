// The world as flat typed arrays (struct of arrays). Accounts share one balance array so that the
// ledger is a single conserved vector: [production source, consumption sink, institutions,
// producers, firms, citizens]. Balances are integer millijoules held in a Float64Array (exact up
// to 2^53; the ledger asserts every amount is a safe integer).
import type { Scenario } from './scenario.js';

export const SECTORS = ['agriculture', 'industry', 'services'] as const;
export const SOURCES = ['renewable', 'fossil', 'nuclear', 'storage'] as const;
/** Generation sources (storage discharges, it does not generate). */
export const GENERATING_SOURCES = 3;
export const MARKETS = ['labor', 'goods', 'capital', 'energy'] as const;
export const WORKING_AGE_MIN_YEARS = 18;
export const RETIREMENT_AGE_YEARS = 65;
/** A tick is one simulated week. */
export const TICKS_PER_YEAR = 52;
export const SOURCE_ACCOUNT = 0;
export const SINK_ACCOUNT = 1;

export interface World {
  readonly regionCount: number;
  readonly institutionCount: number;
  readonly firmCount: number;
  readonly producerCount: number;
  readonly citizenCount: number;
  // account index offsets
  readonly institutionBase: number;
  readonly producerBase: number;
  readonly firmBase: number;
  readonly citizenBase: number;
  /** Integer mJ per account. */
  readonly balances: Float64Array;
  // regions
  readonly regionQ: Int32Array;
  readonly regionR: Int32Array;
  readonly regionController: Int32Array;
  /** Per region x market: price in mJ per unit. */
  readonly prices: Float64Array;
  /** Per region: energy in storage, mJ. */
  readonly storedEnergy: Float64Array;
  // citizens
  readonly ageTicks: Int32Array;
  readonly citizenRegion: Int32Array;
  /** Firm index the citizen works for, or -1. */
  readonly employer: Int32Array;
  readonly education: Uint8Array;
  /** Satisfaction in per-mille, -1000..1000. */
  readonly satisfaction: Int16Array;
  // firms: region-major, SECTORS.length per region
  readonly firmEmployees: Int32Array;
  // producers: region-major, SOURCES.length per region
  readonly producerCapacity: Float64Array;
  /** Scalar state: [tick]. */
  readonly clock: Float64Array;
}

export function accountCount(w: World): number {
  return w.citizenBase + w.citizenCount;
}

/** Axial coordinates of region i on a spiral-free rectangular layout (odd rows shifted). */
function axial(i: number, width: number): [number, number] {
  const row = Math.floor(i / width);
  const col = i % width;
  return [col - Math.floor(row / 2), row];
}

export function createWorld(s: Scenario, draw: (bound: number) => number): World {
  const regionCount = s.regions;
  const institutionCount = Math.ceil(regionCount / s.regions_per_institution);
  const firmCount = regionCount * SECTORS.length;
  const producerCount = regionCount * SOURCES.length;
  const citizenCount = s.citizens;
  const institutionBase = 2;
  const producerBase = institutionBase + institutionCount;
  const firmBase = producerBase + producerCount;
  const citizenBase = firmBase + firmCount;
  const w: World = {
    regionCount,
    institutionCount,
    firmCount,
    producerCount,
    citizenCount,
    institutionBase,
    producerBase,
    firmBase,
    citizenBase,
    balances: new Float64Array(citizenBase + citizenCount),
    regionQ: new Int32Array(regionCount),
    regionR: new Int32Array(regionCount),
    regionController: new Int32Array(regionCount),
    prices: new Float64Array(regionCount * MARKETS.length),
    storedEnergy: new Float64Array(regionCount),
    ageTicks: new Int32Array(citizenCount),
    citizenRegion: new Int32Array(citizenCount),
    employer: new Int32Array(citizenCount).fill(-1),
    education: new Uint8Array(citizenCount),
    satisfaction: new Int16Array(citizenCount),
    firmEmployees: new Int32Array(firmCount),
    producerCapacity: new Float64Array(producerCount),
    clock: new Float64Array(1),
  };
  const width = Math.max(1, Math.ceil(Math.sqrt(regionCount)));
  for (let r = 0; r < regionCount; r++) {
    const [q, rr] = axial(r, width);
    w.regionQ[r] = q;
    w.regionR[r] = rr;
    w.regionController[r] = Math.floor(r / s.regions_per_institution);
    w.prices[r * 4 + 0] = s.wage_mj; // labor: wage per worker
    w.prices[r * 4 + 1] = 1_000; // goods: per unit
    w.prices[r * 4 + 2] = 50; // capital: interest per 1,000 mJ lent (basis of 5%)
    w.prices[r * 4 + 3] = 1_100; // energy: per 1,000 mJ delivered
    w.storedEnergy[r] = Math.floor(s.storage_capacity_mj / 2);
    for (let p = 0; p < SOURCES.length; p++) {
      // Storage units have no generation capacity; the others split it 50/35/15.
      const share = [5_000, 3_500, 1_500, 0][p]!;
      w.producerCapacity[r * SOURCES.length + p] = Math.floor((s.generation_capacity_mj * 4 * share) / 10_000 / GENERATING_SOURCES);
    }
  }
  // Endowments come from the production source, so the total over all accounts starts at zero.
  let endowed = 0;
  const endow = (account: number, amount: number) => {
    w.balances[account] = amount;
    endowed += amount;
  };
  for (let i = 0; i < institutionCount; i++) endow(institutionBase + i, s.firm_capital_mj * 5);
  for (let p = 0; p < producerCount; p++) endow(producerBase + p, s.firm_capital_mj);
  for (let f = 0; f < firmCount; f++) endow(firmBase + f, s.firm_capital_mj);
  for (let c = 0; c < citizenCount; c++) {
    w.citizenRegion[c] = c % regionCount;
    w.ageTicks[c] = draw(80 * TICKS_PER_YEAR);
    w.education[c] = draw(6);
    endow(citizenBase + c, s.initial_wealth_mj);
  }
  w.balances[SOURCE_ACCOUNT] = -endowed;
  return w;
}

/** The arrays that make up the state, in canonical order, for hashing and snapshots. */
export function stateArrays(w: World): Array<[string, ArrayBufferView]> {
  return [
    ['balances', w.balances],
    ['regionQ', w.regionQ],
    ['regionR', w.regionR],
    ['regionController', w.regionController],
    ['prices', w.prices],
    ['storedEnergy', w.storedEnergy],
    ['ageTicks', w.ageTicks],
    ['citizenRegion', w.citizenRegion],
    ['employer', w.employer],
    ['education', w.education],
    ['satisfaction', w.satisfaction],
    ['firmEmployees', w.firmEmployees],
    ['producerCapacity', w.producerCapacity],
    ['clock', w.clock],
  ];
}

/** The account id CIV events and the Venture mirror use for an account index. */
export function accountId(w: World, index: number): string {
  if (index === SOURCE_ACCOUNT) return 'civ:source:production';
  if (index === SINK_ACCOUNT) return 'civ:sink:consumption';
  if (index < w.producerBase) return `institution:${index - w.institutionBase}`;
  if (index < w.firmBase) return `producer:${index - w.producerBase}`;
  if (index < w.citizenBase) return `firm:${index - w.firmBase}`;
  return `citizen:${index - w.citizenBase}`;
}
