// How commands speak: a human summary on stdout by default, exactly one JSON document on stdout
// with --json, progress and logs on stderr so pipes stay clean.
import pc from 'picocolors';
import { usageError } from './cli-error.js';

export interface JsonOption {
  json?: boolean;
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

export function printLine(text = ''): void {
  process.stdout.write(`${text}\n`);
}

/** A two-column table for summaries. */
export function printTable(rows: ReadonlyArray<readonly [string, string | number]>): void {
  const width = Math.max(0, ...rows.map(([k]) => k.length));
  for (const [k, v] of rows) printLine(`  ${pc.dim(k.padEnd(width))}  ${String(v)}`);
}

export const heading = (text: string): string => pc.bold(text);
export const good = (text: string): string => pc.green(text);
export const bad = (text: string): string => pc.red(text);
export const dim = (text: string): string => pc.dim(text);

/** Whether a progress bar should be drawn: only for a person watching a terminal. */
export const progressWanted = (options: JsonOption): boolean => !options.json && process.stderr.isTTY === true;

/** Parses a non-negative integer flag or throws a usage error naming it. */
export function parseIntegerFlag(
  flag: string,
  raw: string | undefined,
  { min = 0, max = Number.MAX_SAFE_INTEGER } = {},
): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw usageError(flag, `must be an integer from ${min} to ${max} (got ${JSON.stringify(raw)})`);
  }
  return n;
}
