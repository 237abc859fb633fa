// The one place the engine reads wall time: duration_ms fields, which the replay verifier ignores.
import { performance } from 'node:perf_hooks';

export const wallClockMs = (): number => performance.now();
export const elapsedMs = (startedMs: number): number => Math.round((performance.now() - startedMs) * 1000) / 1000;
