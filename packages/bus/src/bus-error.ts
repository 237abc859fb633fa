// Errors as values: every refusal names the field (with the envelope's index in the batch) and the rule.
export interface BusIssue {
  /** e.g. 'envelopes[3].payload.amount_mj', 'workspace', 'filter'. */
  readonly path: string;
  readonly rule: string;
  readonly message: string;
}

export type BusErrorCode = 'INVALID_ENVELOPE' | 'INVALID_WORKSPACE' | 'INVALID_FILTER' | 'INVALID_OPTION' | 'BATCH_TOO_LARGE' | 'CLOSED';

export class BusError extends Error {
  constructor(
    readonly code: BusErrorCode,
    readonly issues: readonly BusIssue[],
  ) {
    super(`${code}: ${issues.map((i) => i.message).join('; ')}`);
    this.name = 'BusError';
  }
}
