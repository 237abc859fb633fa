// Entry point: runs the command tree and turns every failure into one clear message and an exit code.
import { CommanderError } from 'commander';
import { CliError, EXIT_FAILURE, EXIT_USAGE } from './cli-error.js';
import { buildProgram } from './program.js';

const wantsJson = process.argv.includes('--json');

// A reader that stops early (`kush ... | head`) is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

function report(code: string, message: string, exitCode: number, details?: unknown): void {
  if (wantsJson)
    process.stdout.write(`${JSON.stringify({ ok: false, error: { code, message, ...(details === undefined ? {} : { details }) } })}\n`);
  process.stderr.write(`kush: ${message}\n`);
  process.exitCode = exitCode;
}

try {
  await buildProgram().exitOverride().parseAsync(process.argv);
} catch (error) {
  if (error instanceof CliError) {
    report(error.code, error.message, error.exitCode, error.details);
  } else if (error instanceof CommanderError) {
    // Commander already printed help or the usage problem; only the exit code is left to set.
    process.exitCode =
      error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.exitCode === 0 ? 0 : EXIT_USAGE;
  } else {
    const message = error instanceof Error ? error.message : String(error);
    report(
      'INTERNAL_ERROR',
      `${message}\n(this is a bug or an environment problem; rerun with KUSH_LOG_LEVEL=debug for details)`,
      EXIT_FAILURE,
    );
    if (process.env['KUSH_LOG_LEVEL'] === 'debug' && error instanceof Error) process.stderr.write(`${error.stack ?? ''}\n`);
  }
}
