// The tick engine (CIV-0001): phases in the taxonomy's order (part 4), each a function over the
// world's arrays; commands apply at the next tick boundary in (priority, arrival) order; every
// tick ends with a conservation check, per-phase state hashes and tick.completed.
import { deterministicUuid, type EventEnvelopeV1 } from '@kush/contracts';
import { streamFor, type ChaChaStream } from './chacha20.js';
import { TickEmitter } from './event-emitter.js';
import { ConservationError, Ledger, ledgerTotal, eventBalances, type EventLevel } from './ledger.js';
import type { PolicyParameters, Scenario } from './scenario.js';
import { StateHasher } from './state-hash.js';
import { elapsedMs, wallClockMs } from './wall-clock.js';
import {
  GENERATING_SOURCES,
  MARKETS,
  RETIREMENT_AGE_YEARS,
  SECTORS,
  SINK_ACCOUNT,
  SOURCES,
  SOURCE_ACCOUNT,
  TICKS_PER_YEAR,
  WORKING_AGE_MIN_YEARS,
  createWorld,
  type World,
} from './world.js';

export const ENGINE_VERSION = '1.0.0';

export const PHASES = [
  'demographic_policies',
  'demographics',
  'economic_policies',
  'market_clearing',
  'transfers',
  'energy',
  'energy_balance',
  'spatial_policies',
  'citizen_metrics',
  'institution_metrics',
] as const;
export type Phase = (typeof PHASES)[number];

/** Arrays each phase writes: the state hasher re-digests only these. */
const WRITES: Readonly<Record<Phase, readonly string[]>> = {
  demographic_policies: [],
  demographics: ['ageTicks', 'clock'],
  economic_policies: [],
  market_clearing: ['prices', 'employer', 'firmEmployees'],
  transfers: ['balances'],
  energy: ['balances', 'storedEnergy'],
  energy_balance: [],
  spatial_policies: [],
  citizen_metrics: ['satisfaction'],
  institution_metrics: [],
};

/** A command from outside; applied at the next tick boundary. */
export interface SimulationCommand {
  readonly type: 'set_policy';
  readonly parameter: keyof PolicyParameters;
  readonly value: number;
  /** Higher first; ties keep arrival order. */
  readonly priority?: number;
}

export interface RegionSummary {
  readonly region_id: string;
  readonly q: number;
  readonly r: number;
  population: number;
  employed: number;
  wealth_mj: number;
  readonly energy_stored_mj: number;
  readonly prices: Readonly<Record<'labor' | 'goods' | 'capital' | 'energy', number>>;
}

export interface SimulationSummary {
  readonly tick: number;
  readonly final_state_hash: string;
  /** Population, output, prices per market, energy supply/demand/storage, Gini, of the last tick run. */
  readonly metrics: TickMetrics | undefined;
  readonly regions: RegionSummary[];
}

/** The lead's entry point for the integrated run: a Simulation ready to step. */
export function createSimulation(options: SimulationOptions): Simulation {
  return new Simulation(options);
}

export interface SimulationOptions {
  readonly scenario: Scenario;
  readonly seed: number;
  readonly ticks: number;
  readonly runId?: string;
  readonly eventLevel?: EventLevel;
  /** After every phase, serialize and reload the state and compare hashes. */
  readonly paranoid?: boolean;
}

export interface TickResult {
  readonly tick: number;
  readonly events: EventEnvelopeV1[];
  readonly stateHash: string;
  readonly phaseHashes: ReadonlyArray<{ phase: string; state_hash: string }>;
}

export interface TickMetrics {
  tick: number;
  population: number;
  employed: number;
  output_mj: number;
  gini: number;
  transfer_volume_mj: number;
  prices: Record<string, number>;
  energy_supply_mj: number;
  energy_demand_mj: number;
  energy_stored_mj: number;
  unrest: number;
}

export class SimulationFailure extends Error {
  constructor(
    readonly code: string,
    readonly tick: number,
    message: string,
    readonly failedEvent: EventEnvelopeV1,
  ) {
    super(message);
  }
}

export function defaultRunId(scenario: Scenario, seed: number, ticks: number): string {
  return deterministicUuid('civ.run', scenario.name, seed, ticks, scenario.policy_bundle_id);
}

export class Simulation {
  readonly world: World;
  readonly runId: string;
  readonly traceId: string;
  readonly scenario: Scenario;
  readonly seed: number;
  readonly ticks: number;
  readonly eventLevel: EventLevel;
  readonly policy: PolicyParameters;
  readonly streams: Record<'demographics' | 'economy' | 'energy' | 'metrics', ChaChaStream>;
  #tick = 0;
  #commandSeq = 0;
  #commands: Array<SimulationCommand & { seq: number }> = [];
  readonly #hasher: StateHasher;
  readonly #ledger: Ledger;
  readonly #paranoid: boolean;
  #bundle: string;
  #lastMetrics: TickMetrics | undefined;
  eventCount = 0;

  constructor(
    options: SimulationOptions,
    restored?: {
      world: World;
      tick: number;
      streams: Record<string, { counter: number; position: number }>;
      policy: PolicyParameters;
      bundle: string;
    },
  ) {
    this.scenario = options.scenario;
    this.seed = options.seed;
    this.ticks = options.ticks;
    this.eventLevel = options.eventLevel ?? 'summary';
    this.runId = options.runId ?? defaultRunId(options.scenario, options.seed, options.ticks);
    this.traceId = deterministicUuid('civ.trace', this.runId);
    this.#paranoid = options.paranoid ?? false;
    const names = ['demographics', 'economy', 'energy', 'metrics'] as const;
    this.streams = Object.fromEntries(names.map((n) => [n, streamFor(this.seed, n, restored?.streams[n])])) as Simulation['streams'];
    if (restored) {
      this.world = restored.world;
      this.#tick = restored.tick;
      this.policy = { ...restored.policy };
      this.#bundle = restored.bundle;
    } else {
      const setup = streamFor(this.seed, 'setup');
      this.world = createWorld(this.scenario, (bound) => setup.below(bound));
      this.policy = { ...this.scenario.policy };
      this.#bundle = this.scenario.policy_bundle_id;
    }
    this.#hasher = new StateHasher(this.world);
    this.#ledger = new Ledger(this.world, this.eventLevel);
  }

  get tick(): number {
    return this.#tick;
  }
  get done(): boolean {
    return this.#tick >= this.ticks;
  }
  get policyBundleId(): string {
    return this.#bundle;
  }
  get lastMetrics(): TickMetrics | undefined {
    return this.#lastMetrics;
  }

  enqueue(command: SimulationCommand): void {
    this.#commands.push({ ...command, seq: this.#commandSeq++ });
  }

  stateHash(): string {
    this.#hasher.invalidate();
    return this.#hasher.hash();
  }

  /** The last tick's metrics, the state hash and per-region figures (for a dashboard); pure reads. */
  summary(): SimulationSummary {
    const w = this.world;
    const regions: RegionSummary[] = [];
    for (let r = 0; r < w.regionCount; r++) {
      regions.push({
        region_id: `region:${r}`,
        q: w.regionQ[r]!,
        r: w.regionR[r]!,
        population: 0,
        employed: 0,
        wealth_mj: 0,
        energy_stored_mj: w.storedEnergy[r]!,
        prices: { labor: w.prices[r * 4]!, goods: w.prices[r * 4 + 1]!, capital: w.prices[r * 4 + 2]!, energy: w.prices[r * 4 + 3]! },
      });
    }
    for (let c = 0; c < w.citizenCount; c++) {
      const region = regions[w.citizenRegion[c]!]!;
      region.population++;
      if (w.employer[c]! >= 0) region.employed++;
      region.wealth_mj += w.balances[w.citizenBase + c]!;
    }
    return { tick: this.#tick, final_state_hash: this.stateHash(), metrics: this.#lastMetrics, regions };
  }

  /** Balances at event granularity, for the Venture ledger mirror's reconciliation. */
  balances(): Map<string, number> {
    return eventBalances(this.world, this.eventLevel);
  }

  /** civ.run.started, to be published before the first tick. */
  startEvents(): EventEnvelopeV1[] {
    const e = new TickEmitter(this.runId, this.traceId, this.#tick, () => this.#bundle);
    e.emit('civ.run.started.v1', {
      run_id: this.runId,
      simulation_seed: this.seed,
      tick_count_target: this.ticks,
      config_snapshot: { scenario: this.scenario.name, event_level: this.eventLevel, engine_version: ENGINE_VERSION },
      policy_bundle_id: this.#bundle,
    });
    this.eventCount += 1;
    // Start events live in a reserved sequence space so tick 0's own events keep their ids.
    return e.events.map((ev) => ({
      ...ev,
      event_id: deterministicUuid('civ.run.started', this.runId),
      replay_token: `civ:${deterministicUuid('civ.run.started', this.runId)}:${ev.created_at}`,
    }));
  }

  completionEvents(durationMs: number): EventEnvelopeV1[] {
    const id = deterministicUuid('civ.run.completed', this.runId);
    const e = new TickEmitter(this.runId, this.traceId, this.#tick, () => this.#bundle);
    e.emit('civ.run.completed.v1', {
      run_id: this.runId,
      tick_count_executed: this.#tick,
      final_state_hash: this.stateHash(),
      event_count: this.eventCount + 1,
      duration_ms: durationMs,
    });
    return e.events.map((ev) => ({ ...ev, event_id: id, replay_token: `civ:${id}:${ev.created_at}` }));
  }

  failureEvent(error: { code: string; message: string }, tick: number): EventEnvelopeV1 {
    const id = deterministicUuid('civ.run.failed', this.runId);
    const e = new TickEmitter(this.runId, this.traceId, tick, () => this.#bundle);
    e.emit('civ.run.failed.v1', {
      run_id: this.runId,
      error_code: error.code,
      error_message: error.message.slice(0, 4000),
      tick_id_when_failed: tick,
      state_snapshot: { ledger_total_mj: ledgerTotal(this.world) },
    });
    return { ...e.events[0]!, event_id: id, replay_token: `civ:${id}:${e.events[0]!.created_at}` };
  }

  /** Runs one tick; throws SimulationFailure (with its civ.run.failed event) on a broken invariant. */
  step(): TickResult {
    const started = wallClockMs();
    const tick = this.#tick;
    const e = new TickEmitter(this.runId, this.traceId, tick, () => this.#bundle);
    e.emit('civ.tick.started.v1', { run_id: this.runId, tick_id: tick, tick_sequence: tick, phase_order: [...PHASES] });
    this.#ledger.resetVolume();
    const phaseHashes: Array<{ phase: string; state_hash: string }> = [];
    try {
      for (const phase of PHASES) {
        this.#runPhase(phase, e);
        this.#hasher.invalidate(WRITES[phase]);
        const h = this.#hasher.hash();
        if (this.#paranoid) this.#paranoidCheck(phase, h);
        phaseHashes.push({ phase, state_hash: h });
      }
      const total = ledgerTotal(this.world);
      if (total !== 0)
        throw new ConservationError(
          'CONSERVATION_VIOLATED',
          `the total over all accounts is ${total} mJ after tick ${tick}; it must stay 0`,
        );
    } catch (error) {
      const code = error instanceof ConservationError ? error.code : 'ENGINE_ERROR';
      const failure = this.failureEvent({ code, message: (error as Error).message }, tick);
      throw new SimulationFailure(code, tick, (error as Error).message, failure);
    }
    const stateHash = phaseHashes[phaseHashes.length - 1]!.state_hash;
    e.emit('civ.tick.completed.v1', {
      run_id: this.runId,
      tick_id: tick,
      state_hash_after: stateHash,
      sub_events_count: e.events.length - 1,
      duration_ms: elapsedMs(started),
      phase_hashes: phaseHashes,
    });
    this.#tick++;
    this.eventCount += e.events.length;
    return { tick, events: e.events, stateHash, phaseHashes };
  }

  #paranoidCheck(phase: string, hash: string): void {
    const copy = structuredClone(this.world);
    const fresh = new StateHasher(copy).hash();
    if (fresh !== hash)
      throw new ConservationError(
        'CONSERVATION_VIOLATED',
        `paranoid check after ${phase}: reloaded state hashes ${fresh}, live state ${hash}`,
      );
  }

  #runPhase(phase: Phase, e: TickEmitter): void {
    switch (phase) {
      case 'demographic_policies':
        return this.#policyPhase(e, 'institutional', 'demographic');
      case 'demographics':
        return this.#demographics();
      case 'economic_policies':
        return this.#economicPolicies(e);
      case 'market_clearing':
        return this.#marketClearing(e);
      case 'transfers':
        this.#transfers();
        return this.#bookTransfers(e);
      case 'energy':
        this.#energy(e);
        return this.#bookTransfers(e);
      case 'energy_balance':
        return this.#energyBalance(e);
      case 'spatial_policies':
        return this.#policyPhase(e, 'environmental', 'spatial');
      case 'citizen_metrics':
        return this.#citizenMetrics(e);
      case 'institution_metrics':
        return this.#institutionMetrics(e);
    }
  }

  // --- policies ---------------------------------------------------------------------------

  #policyPhase(e: TickEmitter, policyType: string, scope: 'demographic' | 'spatial'): void {
    const shortage = this.#energyShortageBp;
    const decision = scope === 'spatial' ? (shortage > 500 ? 'ration_energy' : 'no_change') : 'no_change';
    e.emit('civ.policy.evaluated.v1', {
      tick_id: e.tick,
      policy_type: policyType,
      policy_bundle_id: this.#bundle,
      control_decision: decision,
      affected_entity_count: scope === 'spatial' ? this.world.regionCount : this.world.citizenCount,
      evaluation_duration_ms: 0,
    });
    if (decision === 'ration_energy' && this.policy.rationing_bp > 8_000) {
      this.policy.rationing_bp -= 500;
      e.emit('civ.policy.applied.v1', {
        tick_id: e.tick,
        policy_type: policyType,
        control_decision: decision,
        entities_affected: this.world.regionCount,
        ledger_updates_count: 0,
        state_delta: { rationing_bp: this.policy.rationing_bp },
      });
    }
  }

  #economicPolicies(e: TickEmitter): void {
    const commands = this.#commands.sort((a, b) => (b.priority ?? 0) - (a.priority ?? 0) || a.seq - b.seq);
    this.#commands = [];
    for (const c of commands) {
      const before = this.policy[c.parameter];
      this.policy[c.parameter] = c.value;
      e.emit('civ.policy.evaluated.v1', {
        tick_id: e.tick,
        policy_type: 'fiscal',
        policy_bundle_id: this.#bundle,
        control_decision: c.value > before ? `raise_${c.parameter}` : c.value < before ? `lower_${c.parameter}` : 'no_change',
        affected_entity_count: this.world.citizenCount,
        evaluation_duration_ms: 0,
      });
      e.emit('civ.policy.applied.v1', {
        tick_id: e.tick,
        policy_type: 'fiscal',
        control_decision: `set_${c.parameter}`,
        entities_affected: this.world.citizenCount,
        ledger_updates_count: 0,
        state_delta: { [c.parameter]: c.value },
      });
    }
    const unemployment = this.#lastMetrics ? 1 - this.#lastMetrics.employed / Math.max(1, this.#workingAge) : 0;
    e.emit('civ.policy.evaluated.v1', {
      tick_id: e.tick,
      policy_type: 'labor_market',
      policy_bundle_id: this.#bundle,
      control_decision: unemployment > 0.25 ? 'raise_subsidy' : 'hold_tax_rate',
      affected_entity_count: this.world.firmCount,
      evaluation_duration_ms: 0,
    });
  }

  // --- demographics -----------------------------------------------------------------------

  #workingAge = 0;

  #demographics(): void {
    const age = this.world.ageTicks;
    for (let c = 0; c < age.length; c++) age[c] = age[c]! + 1;
    this.world.clock[0] = this.#tick;
  }

  // --- markets ----------------------------------------------------------------------------

  /** Per region: energy demand and goods demand measured at clearing, used by later phases. */
  #energyShortageBp = 0;

  #marketClearing(e: TickEmitter): void {
    const w = this.world;
    const s = this.scenario;
    const rng = this.streams.economy;
    const R = w.regionCount;
    const laborSupply = new Int32Array(R);
    const budget = new Float64Array(R);
    for (let c = 0; c < w.citizenCount; c++) {
      const years = w.ageTicks[c]! / TICKS_PER_YEAR;
      if (years >= WORKING_AGE_MIN_YEARS && years < RETIREMENT_AGE_YEARS) laborSupply[w.citizenRegion[c]!]!++;
      budget[w.citizenRegion[c]!] = budget[w.citizenRegion[c]!]! + Math.floor(w.balances[w.citizenBase + c]! * 0.3);
    }
    // Labor: each firm hires what its balance can pay for a few ticks.
    const laborDemand = new Int32Array(R);
    for (let f = 0; f < w.firmCount; f++) {
      const region = Math.floor(f / SECTORS.length);
      const wage = w.prices[region * 4]!;
      laborDemand[region] = laborDemand[region]! + Math.floor(w.balances[w.firmBase + f]! / (wage * 4));
    }
    w.firmEmployees.fill(0);
    this.#workingAge = 0;
    for (let c = 0; c < w.citizenCount; c++) {
      const region = w.citizenRegion[c]!;
      const years = w.ageTicks[c]! / TICKS_PER_YEAR;
      w.employer[c] = -1;
      if (years < WORKING_AGE_MIN_YEARS || years >= RETIREMENT_AGE_YEARS) continue;
      this.#workingAge++;
      const supply = laborSupply[region]!;
      const demand = laborDemand[region]!;
      const hirePermille = supply === 0 ? 0 : Math.min(1000, Math.floor((demand * 1000) / supply));
      if (rng.below(1000) < hirePermille) {
        const firm = region * SECTORS.length + (c % SECTORS.length);
        w.employer[c] = firm;
        w.firmEmployees[firm]!++;
      }
    }
    const energyNeed = s.energy_need_mj;
    // Summary level: one set of market events per market over all regions (prices averaged).
    const totals = MARKETS.map(() => [0, 0, 0, 0]);
    for (let r = 0; r < R; r++) {
      let employed = 0;
      for (let k = 0; k < SECTORS.length; k++) employed += w.firmEmployees[r * SECTORS.length + k]!;
      const goodsPrice = w.prices[r * 4 + 1]!;
      const goodsSupply = Math.floor((employed * s.productivity_mj) / goodsPrice);
      const goodsDemand = Math.floor(budget[r]! / goodsPrice);
      let lendable = 0;
      const inst = w.institutionBase + w.regionController[r]!;
      lendable = Math.floor(w.balances[inst]! / 1000 / w.regionCount);
      let capitalDemand = 0;
      for (let k = 0; k < SECTORS.length; k++)
        if (w.balances[w.firmBase + r * SECTORS.length + k]! < s.firm_capital_mj / 2)
          capitalDemand += Math.floor(s.firm_capital_mj / 1000 / 4);
      const population = Math.ceil(w.citizenCount / R);
      let generation = 0;
      for (let p = 0; p < GENERATING_SOURCES; p++) generation += w.producerCapacity[r * SOURCES.length + p]!;
      const energySupply = Math.floor((generation + w.storedEnergy[r]!) / 1000);
      const energyDemand = Math.floor(((population + employed / 2) * energyNeed) / 1000);
      const quantities: Array<[number, number]> = [
        [laborSupply[r]!, laborDemand[r]!],
        [goodsSupply, goodsDemand],
        [lendable, capitalDemand],
        [energySupply, energyDemand],
      ];
      for (let m = 0; m < MARKETS.length; m++) {
        const [supply, demand] = quantities[m]!;
        const before = w.prices[r * 4 + m]!;
        const denominator = Math.max(supply, demand, 1);
        // Integer price discovery: move by up to 5% toward the excess side, at least 1 mJ.
        const stepBp = Math.trunc(((demand - supply) * 500) / denominator);
        let after = before + Math.trunc((before * stepBp) / 10_000);
        if (after === before && stepBp !== 0) after += Math.sign(stepBp);
        after = Math.max(1, Math.min(after, 1e12));
        w.prices[r * 4 + m] = after;
        if (this.eventLevel === 'full') this.#marketEvents(e, m, supply, demand, before, after);
        else {
          const t = totals[m]!;
          t[0] += supply;
          t[1] += demand;
          t[2] += before;
          t[3] += after;
        }
      }
    }
    if (this.eventLevel === 'summary') {
      for (let m = 0; m < MARKETS.length; m++) {
        const [supply, demand, before, after] = totals[m]!;
        this.#marketEvents(e, m, supply!, demand!, Math.round(before! / R), Math.round(after! / R));
      }
    }
  }

  #marketEvents(e: TickEmitter, m: number, supply: number, demand: number, before: number, after: number): void {
    const traded = Math.min(supply, demand);
    const denominator = Math.max(supply, demand, 1);
    e.emit('civ.economy.market_cleared.v1', {
      tick_id: e.tick,
      market_type: MARKETS[m],
      supply_qty: supply,
      demand_qty: demand,
      equilibrium_price: before,
      clearing_efficiency: Math.round((traded / denominator) * 10_000) / 10_000,
    });
    const change = before === 0 ? 0 : Math.round(((after - before) / before) * 1_000_000) / 10_000;
    if (after !== before) {
      e.emit('civ.economy.price_changed.v1', {
        tick_id: e.tick,
        market_type: MARKETS[m],
        price_before: before,
        price_after: after,
        price_change_pct: change,
        reason: demand > supply ? 'excess_demand' : 'excess_supply',
      });
    }
    if (supply < demand) {
      e.emit('civ.economy.supply_stress.v1', {
        tick_id: e.tick,
        market_type: MARKETS[m],
        supply_shortfall: demand - supply,
        stress_multiplier: Math.min(1e6, Math.round((demand / Math.max(supply, 1)) * 1000) / 1000),
        price_impact: change,
      });
    }
  }

  // --- transfers --------------------------------------------------------------------------

  #outputMj = 0;

  #transfers(): void {
    const w = this.world;
    const s = this.scenario;
    const L = this.#ledger;
    const R = w.regionCount;
    this.#outputMj = 0;
    // Production: labor turns into value, minted by the production source.
    for (let f = 0; f < w.firmCount; f++) {
      const value = w.firmEmployees[f]! * s.productivity_mj;
      this.#outputMj += value;
      L.move(SOURCE_ACCOUNT, w.firmBase + f, value, 'production');
    }
    // Wages and income tax.
    const taxBp = this.policy.income_tax_bp;
    const paidPerFirm = new Float64Array(w.firmCount);
    for (let f = 0; f < w.firmCount; f++) {
      const employees = w.firmEmployees[f]!;
      if (employees === 0) continue;
      const wage = w.prices[Math.floor(f / SECTORS.length) * 4]!;
      paidPerFirm[f] = Math.min(wage, Math.floor(w.balances[w.firmBase + f]! / employees));
    }
    for (let c = 0; c < w.citizenCount; c++) {
      const firm = w.employer[c]!;
      if (firm < 0) continue;
      const pay = paidPerFirm[firm]!;
      if (pay <= 0) continue;
      const account = w.citizenBase + c;
      L.move(w.firmBase + firm, account, pay, 'wage');
      const tax = Math.floor((pay * taxBp) / 10_000);
      L.move(account, w.institutionBase + w.regionController[w.citizenRegion[c]!]!, tax, 'income_tax');
    }
    // Purchases: households spend part of their balance at the firms of their region.
    for (let c = 0; c < w.citizenCount; c++) {
      const account = w.citizenBase + c;
      const spend = Math.floor(w.balances[account]! * 0.2);
      if (spend <= 0) continue;
      L.move(account, w.firmBase + w.citizenRegion[c]! * SECTORS.length + (c % SECTORS.length), spend, 'purchase');
    }
    // Depreciation: goods are used up, value leaves through the consumption sink.
    for (let f = 0; f < w.firmCount; f++) {
      const dep = Math.floor(w.balances[w.firmBase + f]! * 0.08);
      L.move(w.firmBase + f, SINK_ACCOUNT, dep, 'depreciation');
    }
    // Subsidies and investment from institutions to the firms of the regions they control.
    const subsidyBp = this.policy.subsidy_bp;
    for (let r = 0; r < R; r++) {
      const inst = w.institutionBase + w.regionController[r]!;
      const perRegion = Math.floor((w.balances[inst]! * subsidyBp) / 10_000 / Math.max(1, this.scenario.regions_per_institution));
      const perFirm = Math.floor(perRegion / SECTORS.length);
      for (let k = 0; k < SECTORS.length; k++) {
        const firm = w.firmBase + r * SECTORS.length + k;
        L.move(inst, firm, perFirm, 'subsidy');
        if (w.balances[firm]! < s.firm_capital_mj / 2) {
          const loan = Math.min(Math.floor(w.balances[inst]! / 100), Math.floor(s.firm_capital_mj / 4));
          L.move(inst, firm, loan, 'investment');
        } else {
          const interest = Math.floor((w.balances[firm]! * w.prices[r * 4 + 2]!) / 1_000 / 100);
          L.move(firm, inst, interest, 'interest');
        }
      }
    }
  }

  #bookTransfers(e: TickEmitter): void {
    for (const t of this.#ledger.drain()) {
      e.emit('civ.economy.transfer_booked.v1', {
        tick_id: e.tick,
        sender_id: t.sender_id,
        receiver_id: t.receiver_id,
        amount: t.amount,
        transfer_reason: t.reason,
        ledger_account_pair: { debit_account: t.sender_id, credit_account: t.receiver_id },
      });
    }
  }

  // --- energy -----------------------------------------------------------------------------

  #energyTotals = { generated: 0, discharged: 0, consumed: 0, charged: 0, curtailed: 0 };

  #energy(e: TickEmitter): void {
    const w = this.world;
    const s = this.scenario;
    const L = this.#ledger;
    const rng = this.streams.energy;
    const totals = { generated: 0, discharged: 0, consumed: 0, charged: 0, curtailed: 0 };
    const population = new Int32Array(w.regionCount);
    for (let c = 0; c < w.citizenCount; c++) population[w.citizenRegion[c]!]!++;
    let unmet = 0;
    let demandAll = 0;
    const bySource = new Float64Array(GENERATING_SOURCES * 2);
    const consumedBySource = new Float64Array(SOURCES.length);
    for (let r = 0; r < w.regionCount; r++) {
      let employed = 0;
      for (let k = 0; k < SECTORS.length; k++) employed += w.firmEmployees[r * SECTORS.length + k]!;
      const demand = Math.floor((population[r]! + employed / 2) * s.energy_need_mj);
      demandAll += demand;
      // Generation, renewable output varying by a seeded draw around nominal.
      const generated = new Float64Array(SOURCES.length);
      let supply = 0;
      for (let p = 0; p < GENERATING_SOURCES; p++) {
        const producer = r * SOURCES.length + p;
        const nominal = w.producerCapacity[producer]!;
        let actual = nominal;
        if (p === 0) {
          const spread = s.renewable_variability_bp;
          const deltaBp = spread === 0 ? 0 : rng.below(2 * spread + 1) - spread;
          actual = Math.max(0, nominal + Math.trunc((nominal * deltaBp) / 10_000));
          if (r < 4 || this.eventLevel === 'full') {
            e.emit('civ.energy.renewable_variability.v1', {
              tick_id: e.tick,
              renewable_source_id: `producer:${producer}`,
              expected_output: nominal,
              actual_output: actual,
              variance_pct: nominal === 0 ? 0 : Math.round(((actual - nominal) / nominal) * 1_000_000) / 10_000,
            });
          }
        }
        // Peak shaving: fossil and nuclear follow demand instead of running flat out.
        if (p > 0) actual = Math.min(actual, Math.max(0, demand - supply));
        generated[p] = actual;
        supply += actual;
        L.move(SOURCE_ACCOUNT, w.producerBase + producer, actual, 'energy_generation');
        totals.generated += actual;
        bySource[p * 2] = bySource[p * 2]! + actual;
        bySource[p * 2 + 1] = bySource[p * 2 + 1]! + nominal;
        if (this.eventLevel === 'full') {
          e.emit('civ.energy.generated.v1', {
            tick_id: e.tick,
            producer_entity_id: `producer:${producer}`,
            energy_qty: actual,
            source_type: SOURCES[p],
            capacity_utilization_pct: nominal === 0 ? 0 : Math.min(100, Math.round((actual / nominal) * 10_000) / 100),
          });
        }
      }
      // Storage charges from surplus and discharges into a deficit, within capacity.
      const storage = r * SOURCES.length + 3;
      const before = w.storedEnergy[r]!;
      let served = Math.min(supply, demand);
      let charged = 0;
      let discharged = 0;
      if (supply > demand) charged = Math.min(supply - demand, s.storage_capacity_mj - before);
      else if (demand > supply) discharged = Math.min(demand - supply, before);
      served += discharged;
      const rationed = Math.floor((served * this.policy.rationing_bp) / 10_000);
      const curtailed = supply + discharged - rationed - charged;
      w.storedEnergy[r] = before + charged - discharged;
      if ((charged !== 0 || discharged !== 0) && (r < 4 || this.eventLevel === 'full')) {
        e.emit('civ.energy.stored.v1', {
          tick_id: e.tick,
          storage_entity_id: `producer:${storage}`,
          energy_qty_added: charged - discharged,
          storage_capacity_before: before,
          storage_capacity_after: w.storedEnergy[r]!,
        });
      }
      totals.charged += charged;
      totals.discharged += discharged;
      totals.consumed += rationed;
      totals.curtailed += curtailed;
      unmet += demand - rationed;
      // Households and firms pay producers for what they use (price per 1,000 mJ), pro rata of generation.
      const price = w.prices[r * 4 + 3]!;
      const bill = Math.floor((rationed * price) / 1000);
      const householdsShare = population[r]! * s.energy_need_mj;
      const householdBill = demand === 0 ? 0 : Math.floor((bill * householdsShare) / Math.max(demand, 1));
      const perCitizen = population[r]! === 0 ? 0 : Math.floor(householdBill / population[r]!);
      const firmBill = Math.floor((bill - householdBill) / SECTORS.length);
      const sellers = supply > 0 ? generated : null;
      const pay = (from: number, amount: number) => {
        const affordable = Math.min(amount, Math.max(0, Math.floor(w.balances[from]!)));
        if (affordable <= 0) return;
        if (!sellers) return L.move(from, w.producerBase + storage, affordable, 'energy_purchase');
        let left = affordable;
        for (let p = 0; p < GENERATING_SOURCES; p++) {
          const part = p === GENERATING_SOURCES - 1 ? left : Math.floor((affordable * sellers[p]!) / supply);
          L.move(from, w.producerBase + r * SOURCES.length + p, part, 'energy_purchase');
          left -= part;
        }
      };
      if (perCitizen > 0) for (let c = r; c < w.citizenCount; c += w.regionCount) pay(w.citizenBase + c, perCitizen);
      for (let k = 0; k < SECTORS.length; k++) pay(w.firmBase + r * SECTORS.length + k, firmBill);
      // The energy used leaves the economy through the consumption sink, from its producers.
      let toBurn = rationed;
      for (let p = 0; p < SOURCES.length && toBurn > 0; p++) {
        const producer = w.producerBase + r * SOURCES.length + p;
        const burn = Math.min(toBurn, Math.floor(w.balances[producer]!));
        L.move(producer, SINK_ACCOUNT, burn, 'energy_consumption');
        toBurn -= burn;
      }
      // Consumption by source, in proportion to where the served energy came from.
      const servedSources = [...generated.slice(0, GENERATING_SOURCES), discharged];
      const servedTotal = servedSources.reduce((a, b) => a + b, 0);
      let assigned = 0;
      for (let p = 0; p < SOURCES.length; p++) {
        const part =
          p === SOURCES.length - 1 ? rationed - assigned : servedTotal === 0 ? 0 : Math.floor((rationed * servedSources[p]!) / servedTotal);
        assigned += part;
        consumedBySource[p] = consumedBySource[p]! + part;
        if (part > 0 && this.eventLevel === 'full') {
          e.emit('civ.energy.consumed.v1', {
            tick_id: e.tick,
            consumer_entity_id: `region:${r}`,
            energy_qty: part,
            source_type: SOURCES[p],
            consumption_reason: 'household_and_industry',
          });
        }
      }
    }
    if (this.eventLevel === 'summary') {
      for (let p = 0; p < GENERATING_SOURCES; p++) {
        const actual = bySource[p * 2]!;
        const nominal = bySource[p * 2 + 1]!;
        e.emit('civ.energy.generated.v1', {
          tick_id: e.tick,
          producer_entity_id: `producers:${SOURCES[p]}`,
          energy_qty: actual,
          source_type: SOURCES[p],
          capacity_utilization_pct: nominal === 0 ? 0 : Math.min(100, Math.round((actual / nominal) * 10_000) / 100),
        });
      }
      for (let p = 0; p < SOURCES.length; p++) {
        if (consumedBySource[p]! > 0) {
          e.emit('civ.energy.consumed.v1', {
            tick_id: e.tick,
            consumer_entity_id: 'world',
            energy_qty: consumedBySource[p]!,
            source_type: SOURCES[p],
            consumption_reason: 'household_and_industry',
          });
        }
      }
    }
    this.#energyTotals = totals;
    this.#energyShortageBp = demandAll === 0 ? 0 : Math.floor((unmet * 10_000) / demandAll);
  }

  #energyBalance(e: TickEmitter): void {
    const t = this.#energyTotals;
    const supply = t.generated + t.discharged;
    const demand = t.consumed + t.charged + t.curtailed;
    const passed = supply === demand;
    e.emit('civ.energy.balance.v1', {
      tick_id: e.tick,
      supply_total: supply,
      demand_total: demand,
      reserves_delta: t.charged - t.discharged,
      conservation_check_passed: passed,
    });
    if (!passed)
      throw new ConservationError(
        'CONSERVATION_VIOLATED',
        `energy: supply ${supply} mJ != consumption + storage + curtailment ${demand} mJ`,
      );
  }

  // --- metrics ----------------------------------------------------------------------------

  #citizenMetrics(e: TickEmitter): void {
    const w = this.world;
    const shortage = this.#energyShortageBp;
    let employed = 0;
    let satisfactionSum = 0;
    for (let c = 0; c < w.citizenCount; c++) {
      const employedNow = w.employer[c]! >= 0;
      if (employedNow) employed++;
      const target = (employedNow ? 400 : -200) - Math.floor(shortage / 20);
      const s = w.satisfaction[c]!;
      w.satisfaction[c] = Math.max(-1000, Math.min(1000, s + Math.trunc((target - s) / 8)));
      satisfactionSum += w.satisfaction[c]!;
    }
    const panel = this.eventLevel === 'full' ? w.citizenCount : Math.min(this.scenario.panel_size, w.citizenCount);
    const stride = this.eventLevel === 'full' ? 1 : Math.max(1, Math.floor(w.citizenCount / Math.max(1, panel)));
    for (let i = 0; i < panel; i++) {
      const c = i * stride;
      e.emit('civ.citizen.metrics_updated.v1', {
        tick_id: e.tick,
        citizen_id: `citizen:${c}`,
        age: Math.min(200, Math.floor(w.ageTicks[c]! / TICKS_PER_YEAR)),
        wealth: Math.max(0, w.balances[w.citizenBase + c]!),
        education_level: w.education[c]!,
        satisfaction_score: w.satisfaction[c]! / 1000,
        institution_affiliation: `institution:${w.regionController[w.citizenRegion[c]!]}`,
      });
    }
    // Gini of citizen wealth (a metric only; floats never feed back into state).
    // A typed-array copy sorts natively (numeric, no comparator), several times faster than an Array.
    const wealth = w.balances.slice(w.citizenBase).sort();
    let cum = 0;
    let weighted = 0;
    for (let i = 0; i < wealth.length; i++) {
      cum += wealth[i]!;
      weighted += (i + 1) * wealth[i]!;
    }
    const n = wealth.length;
    const gini = cum === 0 ? 0 : (2 * weighted) / (n * cum) - (n + 1) / n;
    let stored = 0;
    for (let r = 0; r < w.regionCount; r++) stored += w.storedEnergy[r]!;
    const prices: Record<string, number> = {};
    for (let m = 0; m < MARKETS.length; m++) {
      let sum = 0;
      for (let r = 0; r < w.regionCount; r++) sum += w.prices[r * 4 + m]!;
      prices[MARKETS[m]!] = Math.round(sum / w.regionCount);
    }
    const avgSatisfaction = satisfactionSum / Math.max(1, w.citizenCount) / 1000;
    this.#lastMetrics = {
      tick: e.tick,
      population: w.citizenCount,
      employed,
      output_mj: this.#outputMj,
      gini: Math.round(gini * 10_000) / 10_000,
      transfer_volume_mj: this.#ledger.volumeMj,
      prices,
      energy_supply_mj: this.#energyTotals.generated + this.#energyTotals.discharged,
      energy_demand_mj: this.#energyTotals.consumed,
      energy_stored_mj: stored,
      unrest: Math.max(0, Math.min(100, Math.round((0.2 - avgSatisfaction) * 100))),
    };
  }

  #institutionMetrics(e: TickEmitter): void {
    const w = this.world;
    const population = new Float64Array(w.institutionCount);
    const firmAssets = new Float64Array(w.institutionCount);
    for (let c = 0; c < w.citizenCount; c++) population[w.regionController[w.citizenRegion[c]!]!]!++;
    for (let f = 0; f < w.firmCount; f++) {
      const inst = w.regionController[Math.floor(f / SECTORS.length)]!;
      firmAssets[inst] = firmAssets[inst]! + w.balances[w.firmBase + f]!;
    }
    let totalAssets = 0;
    for (let i = 0; i < w.institutionCount; i++) totalAssets += w.balances[w.institutionBase + i]! + firmAssets[i]!;
    for (let i = 0; i < w.institutionCount; i++) {
      const wealth = Math.max(0, w.balances[w.institutionBase + i]!);
      const assets = wealth + firmAssets[i]!;
      e.emit('civ.institution.metrics_updated.v1', {
        tick_id: e.tick,
        institution_id: `institution:${i}`,
        population: population[i]!,
        wealth,
        assets,
        influence_score: totalAssets <= 0 ? 0 : Math.round((assets / totalAssets) * 10_000) / 10_000,
      });
    }
  }
}
