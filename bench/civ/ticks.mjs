// Milliseconds per tick, p50 and p99, for the built-in scenarios at the summary event level.
//   npm run build && node bench/civ/ticks.mjs [--ticks 200] [--research-ticks 5] [--json]
import { BUILT_IN_SCENARIOS, Simulation } from '@kush/civ';

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const ticks = flag('--ticks', 200);
const researchTicks = flag('--research-ticks', 5);
const json = args.includes('--json');

function measure(name, n) {
  const sim = new Simulation({ scenario: BUILT_IN_SCENARIOS[name], seed: 42, ticks: n + 2 });
  sim.step(); // warm-up: JIT and first allocations
  const times = [];
  let events = 0;
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    const r = sim.step();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    events += r.events.length;
  }
  times.sort((a, b) => a - b);
  const q = (p) => times[Math.min(times.length - 1, Math.floor(p * times.length))];
  const citizens = BUILT_IN_SCENARIOS[name].citizens;
  return {
    scenario: name,
    citizens,
    ticks: n,
    p50_ms: +q(0.5).toFixed(2),
    p99_ms: +q(0.99).toFixed(2),
    events_per_tick: Math.round(events / n),
    agent_steps_per_s: Math.round(citizens / (q(0.5) / 1000)),
  };
}

const results = [
  measure('small', ticks),
  measure('medium', ticks),
  measure('large', Math.min(ticks, 200)),
  measure('research', researchTicks),
];
if (json) console.log(JSON.stringify(results));
else
  for (const r of results)
    console.log(
      `${r.scenario.padEnd(9)} ${String(r.citizens).padStart(9)} citizens  p50 ${String(r.p50_ms).padStart(8)} ms  p99 ${String(r.p99_ms).padStart(8)} ms  ${r.events_per_tick} events/tick  ${r.agent_steps_per_s.toLocaleString('en-US')} citizen-steps/s`,
    );
