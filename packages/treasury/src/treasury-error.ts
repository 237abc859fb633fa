// Refusals as values that name the field and the rule; nothing of a refused input is written.
import type { ValidationIssue } from '@kush/contracts';

export class TreasuryError extends Error {
  constructor(readonly issues: readonly ValidationIssue[]) {
    super(issues.map((i) => i.message).join('\n'));
    this.name = 'TreasuryError';
  }
}

export const refuse = (path: string, rule: string, requirement: string): TreasuryError =>
  new TreasuryError([{ path, rule, message: `${path}: ${requirement}` }]);
