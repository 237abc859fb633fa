// Policy bundles: a named, versioned set of rules with a default decision. A bundle's content is
// hashed (SHA-256 of its canonical JSON), so the same rules always have the same hash and any
// change, however small, shows. Rules are compiled to closures once, when the bundle is loaded.
import { canonicalHash, issueFromValueError } from '@kush/contracts';
import { Type, type Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { accepted, controlIssue, fromValidationIssues, refused, type ControlIssue, type Refusable } from '../control-error.js';
import { compileExpression, readPath, type PolicyContext, type Predicate } from './rule-language.js';

/** Most rules in one bundle. */
export const BUNDLE_RULES_MAX = 1_000;
/** Decisions, most restrictive first: when several rules match, the most restrictive wins. */
export const POLICY_DECISIONS = ['deny', 'reject_with_escalation', 'require_approval', 'allow'] as const;
export type PolicyDecision = (typeof POLICY_DECISIONS)[number];
/** Most supporting facts cited for one decision. */
export const SUPPORTING_FACTS_MAX = 256;

const Decision = Type.Union(
  POLICY_DECISIONS.map((d) => Type.Literal(d)),
  { description: `One of: ${POLICY_DECISIONS.join(', ')}.` },
);

export const PolicyBundleContentSchema = Type.Object(
  {
    name: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$', description: 'Bundle name; versions are numbered per name.' }),
    description: Type.Optional(Type.String({ maxLength: 4096 })),
    default_decision: Decision,
    rules: Type.Array(
      Type.Object(
        {
          id: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$' }),
          description: Type.Optional(Type.String({ maxLength: 1024 })),
          when: Type.String({ minLength: 1, maxLength: 4096, description: 'Rule expression (see rule-language.ts).' }),
          effect: Decision,
        },
        { additionalProperties: false },
      ),
      { maxItems: BUNDLE_RULES_MAX },
    ),
  },
  { additionalProperties: false, $id: 'PolicyBundle', title: 'Policy bundle' },
);

export type PolicyBundleContent = Static<typeof PolicyBundleContentSchema>;

const contentCheck = TypeCompiler.Compile(PolicyBundleContentSchema);
const RANK: Readonly<Record<PolicyDecision, number>> = { deny: 0, reject_with_escalation: 1, require_approval: 2, allow: 3 };

export interface SupportingFact {
  readonly rule_id: string;
  readonly fact: string;
}

export interface PolicyEvaluation {
  readonly decision: PolicyDecision;
  /** Indices of the rules that matched with the winning effect; empty when the default decided. */
  readonly matched: readonly number[];
}

export interface CompiledRule {
  readonly id: string;
  readonly effect: PolicyDecision;
  readonly rank: number;
  readonly test: Predicate;
  readonly paths: readonly string[];
}

/** A bundle ready to evaluate: content, hash and compiled rules. */
export class CompiledBundle {
  private constructor(
    readonly content: PolicyBundleContent,
    readonly content_hash: string,
    readonly rules: readonly CompiledRule[],
  ) {}

  static compile(value: unknown): Refusable<CompiledBundle> {
    if (!contentCheck.Check(value)) {
      const issues = [...contentCheck.Errors(value)].slice(0, 32).map((e) => issueFromValueError(e));
      return refused(...fromValidationIssues('INVALID_POLICY_BUNDLE', issues));
    }
    const issues: ControlIssue[] = [];
    const rules: CompiledRule[] = [];
    const ids = new Set<string>();
    for (const [i, rule] of value.rules.entries()) {
      if (ids.has(rule.id)) issues.push(controlIssue('INVALID_POLICY_BUNDLE', `rules.${i}.id`, `duplicate rule id ${rule.id}`));
      ids.add(rule.id);
      const compiled = compileExpression(rule.when, `rules.${i}.when`);
      if (!compiled.ok) issues.push(...compiled.issues);
      else
        rules.push({ id: rule.id, effect: rule.effect, rank: RANK[rule.effect], test: compiled.value.test, paths: compiled.value.paths });
    }
    if (issues.length > 0) return refused(...issues);
    return accepted(new CompiledBundle(value, canonicalHash(value), rules));
  }

  get name(): string {
    return this.content.name;
  }

  /** Every rule is tested; the most restrictive matching effect wins, else the default. */
  evaluate(context: PolicyContext): PolicyEvaluation {
    let best = 4;
    let matched: number[] = [];
    const rules = this.rules;
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i]!;
      if (rule.rank > best || !rule.test(context)) continue;
      if (rule.rank < best) {
        best = rule.rank;
        matched = [i];
      } else matched.push(i);
    }
    if (matched.length === 0) return { decision: this.content.default_decision, matched };
    return { decision: POLICY_DECISIONS[best]!, matched };
  }

  /** The facts behind an evaluation: each deciding rule with the context values it read. */
  facts(evaluation: PolicyEvaluation, context: PolicyContext): SupportingFact[] {
    if (evaluation.matched.length === 0) {
      return [{ rule_id: '(default)', fact: `no rule matched; default_decision ${this.content.default_decision}` }];
    }
    const out: SupportingFact[] = [];
    for (const i of evaluation.matched) {
      const rule = this.rules[i]!;
      const values = rule.paths.map((p) => `${p} = ${JSON.stringify(readPath(context, p)) ?? 'undefined'}`).join(', ');
      out.push({ rule_id: rule.id, fact: `${rule.effect}: ${values || 'constant expression'}`.slice(0, 1024) });
      if (out.length >= SUPPORTING_FACTS_MAX) break;
    }
    return out;
  }

  /** What changed from another bundle's content, in a line (for drift and rollback events). */
  diff(other: CompiledBundle): string {
    const mine = new Map(this.content.rules.map((r) => [r.id, r]));
    const theirs = new Map(other.content.rules.map((r) => [r.id, r]));
    const added = [...theirs.keys()].filter((id) => !mine.has(id));
    const removed = [...mine.keys()].filter((id) => !theirs.has(id));
    const changed = [...mine.keys()].filter((id) => theirs.has(id) && JSON.stringify(mine.get(id)) !== JSON.stringify(theirs.get(id)));
    const parts: string[] = [];
    if (this.content.default_decision !== other.content.default_decision) {
      parts.push(`default_decision ${this.content.default_decision} -> ${other.content.default_decision}`);
    }
    if (added.length) parts.push(`rules added: ${added.join(', ')}`);
    if (removed.length) parts.push(`rules removed: ${removed.join(', ')}`);
    if (changed.length) parts.push(`rules changed: ${changed.join(', ')}`);
    return parts.length ? parts.join('; ') : 'same rules; content differs only in description';
  }
}

/** The bundle every workspace starts with: allow what the allowlists and budgets allow. */
export const DEFAULT_BUNDLE_CONTENT: PolicyBundleContent = {
  name: 'default',
  description: 'Allows every call the role allowlists and the workspace budget allow.',
  default_decision: 'allow',
  rules: [],
};
