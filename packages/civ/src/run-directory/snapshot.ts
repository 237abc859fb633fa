// State snapshots: every array of the world, the RNG stream positions, the policy in force and
// the tick, so a run can be resumed, forked or sought from that tick.
import { gunzipSync, gzipSync } from 'node:zlib';
import type { PolicyParameters } from '../scenario.js';
import { stateArrays, type World } from '../world.js';

export interface SnapshotMeta {
  tick: number;
  state_hash: string;
  streams: Record<string, { counter: number; position: number }>;
  policy: PolicyParameters;
  bundle: string;
}

export function encodeSnapshot(world: World, meta: SnapshotMeta): Buffer {
  const arrays: Record<string, string> = {};
  for (const [name, view] of stateArrays(world))
    arrays[name] = Buffer.from(view.buffer, view.byteOffset, view.byteLength).toString('base64');
  const counts = {
    regionCount: world.regionCount,
    institutionCount: world.institutionCount,
    firmCount: world.firmCount,
    producerCount: world.producerCount,
    citizenCount: world.citizenCount,
    institutionBase: world.institutionBase,
    producerBase: world.producerBase,
    firmBase: world.firmBase,
    citizenBase: world.citizenBase,
  };
  return gzipSync(JSON.stringify({ meta, counts, arrays }));
}

export function decodeSnapshot(bytes: Buffer): { world: World; meta: SnapshotMeta } {
  const parsed = JSON.parse(gunzipSync(bytes).toString('utf8')) as {
    meta: SnapshotMeta;
    counts: Record<string, number>;
    arrays: Record<string, string>;
  };
  const typed = (name: string, Ctor: { new (b: ArrayBuffer): ArrayBufferView }) => {
    const buf = Buffer.from(parsed.arrays[name]!, 'base64');
    const copy = new ArrayBuffer(buf.byteLength);
    new Uint8Array(copy).set(buf);
    return new Ctor(copy);
  };
  const c = parsed.counts as Record<string, number>;
  const world = {
    regionCount: c['regionCount'],
    institutionCount: c['institutionCount'],
    firmCount: c['firmCount'],
    producerCount: c['producerCount'],
    citizenCount: c['citizenCount'],
    institutionBase: c['institutionBase'],
    producerBase: c['producerBase'],
    firmBase: c['firmBase'],
    citizenBase: c['citizenBase'],
    balances: typed('balances', Float64Array),
    regionQ: typed('regionQ', Int32Array),
    regionR: typed('regionR', Int32Array),
    regionController: typed('regionController', Int32Array),
    prices: typed('prices', Float64Array),
    storedEnergy: typed('storedEnergy', Float64Array),
    ageTicks: typed('ageTicks', Int32Array),
    citizenRegion: typed('citizenRegion', Int32Array),
    employer: typed('employer', Int32Array),
    education: typed('education', Uint8Array),
    satisfaction: typed('satisfaction', Int16Array),
    firmEmployees: typed('firmEmployees', Int32Array),
    producerCapacity: typed('producerCapacity', Float64Array),
    clock: typed('clock', Float64Array),
  } as unknown as World;
  return { world, meta: parsed.meta };
}
