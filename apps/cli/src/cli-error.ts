// Errors a command reports to its user: a message that says what to do next, and an exit code.
// Thrown anywhere in a command; main.ts prints it once (as JSON with --json) and exits.

export const EXIT_OK = 0;
/** The input was understood and found wrong (invalid lines, failed verification, divergence). */
export const EXIT_FAILURE = 1;
/** The command line itself was wrong (unknown option, bad flag value). */
export const EXIT_USAGE = 2;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_FAILURE,
    /** Machine-readable code for --json output, UPPER_SNAKE_CASE. */
    readonly code: string = 'COMMAND_FAILED',
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** A bad flag value: names the flag and the rule. */
export const usageError = (flag: string, rule: string): CliError => new CliError(`${flag}: ${rule}`, EXIT_USAGE, 'INVALID_ARGUMENT');
