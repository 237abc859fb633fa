// Errors as values: a machine code, the field or subject concerned, and a message naming the rule.
// Functions that can refuse return Refusable<T>; code that must not continue throws ControlError.
import type { ValidationIssue } from '@kush/contracts';

export interface ControlIssue {
  /** Machine-readable code, UPPER_SNAKE_CASE (ILLEGAL_TRANSITION, TOOL_DENIED, BUDGET_EXCEEDED, ...). */
  readonly code: string;
  /** Dotted path of the field or the subject concerned (`tasks.3.depends_on`, `task 1c9e...`). */
  readonly path: string;
  /** `<path>: <rule broken>`, ready to show to a person. */
  readonly message: string;
}

export type Refusable<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly issues: readonly ControlIssue[] };

export function controlIssue(code: string, path: string, rule: string): ControlIssue {
  return { code, path, message: `${path}: ${rule}` };
}

export const accepted = <T>(value: T): Refusable<T> => ({ ok: true, value });
export const refused = <T>(...issues: ControlIssue[]): Refusable<T> => ({ ok: false, issues });

/** Contract validation issues (path, rule) as control issues under one code. */
export function fromValidationIssues(code: string, issues: readonly ValidationIssue[], prefix = ''): ControlIssue[] {
  return issues.map((i) => {
    const path = prefix && i.path !== '(root)' ? `${prefix}.${i.path}` : prefix || i.path;
    const rule = i.message.slice(i.message.indexOf(': ') + 2);
    return { code, path, message: `${path}: ${rule}` };
  });
}

export class ControlError extends Error {
  constructor(readonly issues: readonly ControlIssue[]) {
    super(issues.map((i) => i.message).join('\n'));
    this.name = 'ControlError';
  }
  get code(): string {
    return this.issues[0]?.code ?? 'CONTROL_ERROR';
  }
}

/** The value of a Refusable, or a ControlError carrying its issues. */
export function unwrap<T>(result: Refusable<T>): T {
  if (!result.ok) throw new ControlError(result.issues);
  return result.value;
}
