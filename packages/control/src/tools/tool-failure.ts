// How a tool says it failed: a code, a message, and whether trying again may help.
export class ToolFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** False when a retry cannot succeed (bad input, denied, over budget). */
    readonly retryable = true,
  ) {
    super(message);
    this.name = 'ToolFailure';
  }
}
