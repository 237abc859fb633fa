// Runs the built `kush` as a user would: a child process with arguments and optional stdin.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

export const KUSH_BIN = resolve(import.meta.dirname, '../bin/kush.js');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], options: { input?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {}): CliResult {
  const result = spawnSync(process.execPath, [KUSH_BIN, ...args], {
    input: options.input,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    cwd: options.cwd,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
