// The policy rule language: one boolean expression per rule over a context object.
//
//   role == 'analyst' and tool in ['deploy', 'rollback_deploy']
//   cost_ueau > 100000 or not (tier in ['tier_0_admin', 'tier_1_advanced'])
//   tags intersects ['pii', 'secret']        labels subset_of ['public', 'internal']
//
// Operators: == != < <= > >= (comparison), and or not (logical), in, not in, contains,
// subset_of, intersects (sets, over lists). Paths (`input.service`) read the context. An
// expression is compiled once into nested closures; evaluating it never throws: a missing fact or
// a type mismatch makes a comparison false, so a rule that cannot be decided does not match.
import { accepted, controlIssue, refused, type Refusable } from '../control-error.js';

/** Longest expression text. */
export const EXPRESSION_LENGTH_MAX = 4096;
/** Deepest nesting of parentheses and operators; bounds the compiler's recursion. */
export const EXPRESSION_DEPTH_MAX = 64;
/** Most elements of a list literal. */
export const LIST_LITERAL_ITEMS_MAX = 1024;
/** Most segments of a path. */
const PATH_SEGMENTS_MAX = 8;

export type PolicyContext = Readonly<Record<string, unknown>>;
type Value = (context: PolicyContext) => unknown;
export type Predicate = (context: PolicyContext) => boolean;

export interface CompiledExpression {
  readonly test: Predicate;
  /** Context paths the expression reads, in first-use order: the facts a decision cites. */
  readonly paths: readonly string[];
}

type Token =
  | { kind: 'num'; value: number; at: number }
  | { kind: 'str'; value: string; at: number }
  | { kind: 'word'; value: string; at: number }
  | { kind: 'op'; value: string; at: number };

const WORD_OPERATORS = new Set(['and', 'or', 'not', 'in', 'contains', 'subset_of', 'intersects', 'true', 'false', 'null']);

function tokenize(text: string): Refusable<Token[]> {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    const two = text.slice(i, i + 2);
    if (['==', '!=', '<=', '>=', '&&', '||'].includes(two)) {
      tokens.push({ kind: 'op', value: two === '&&' ? 'and' : two === '||' ? 'or' : two, at: i });
      i += 2;
      continue;
    }
    if ('<>()[],!'.includes(c)) {
      tokens.push({ kind: 'op', value: c === '!' ? 'not' : c, at: i });
      i++;
      continue;
    }
    if (c === "'" || c === '"') {
      let j = i + 1;
      let value = '';
      while (j < text.length && text[j] !== c) {
        if (text[j] === '\\' && j + 1 < text.length) j++;
        value += text[j];
        j++;
      }
      if (j >= text.length)
        return refused(controlIssue('INVALID_EXPRESSION', '(expression)', `unterminated string starting at character ${i}`));
      tokens.push({ kind: 'str', value, at: i });
      i = j + 1;
      continue;
    }
    const num = /^-?(\d+(\.\d+)?([eE][+-]?\d+)?)/.exec(text.slice(i));
    if (num && (c === '-' || (c >= '0' && c <= '9'))) {
      tokens.push({ kind: 'num', value: Number(num[0]), at: i });
      i += num[0].length;
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*/.exec(text.slice(i));
    if (word) {
      tokens.push({ kind: 'word', value: word[0], at: i });
      i += word[0].length;
      continue;
    }
    return refused(controlIssue('INVALID_EXPRESSION', '(expression)', `unexpected character ${JSON.stringify(c)} at character ${i}`));
  }
  return accepted(tokens);
}

class ParseError extends Error {
  constructor(
    readonly at: number,
    message: string,
  ) {
    super(message);
  }
}

/** A node is a closure plus, for literals, the constant (lists become Sets for `in`). */
interface Node {
  readonly value: Value;
  readonly constant?: { readonly v: unknown };
}

const isNumber = (v: unknown): v is number => typeof v === 'number';
const isString = (v: unknown): v is string => typeof v === 'string';

function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => equal(x, b[i]));
  return false;
}

function order(op: string, a: unknown, b: unknown): boolean {
  if (!((isNumber(a) && isNumber(b)) || (isString(a) && isString(b)))) return false;
  switch (op) {
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    default:
      return a >= b;
  }
}

class Parser {
  #i = 0;
  readonly paths: string[] = [];

  constructor(private readonly tokens: Token[]) {}

  #peek(): Token | undefined {
    return this.tokens[this.#i];
  }
  #isOp(value: string): boolean {
    const t = this.#peek();
    return t !== undefined && (t.kind === 'op' || t.kind === 'word') && t.value === value;
  }
  #expect(value: string): void {
    const t = this.#peek();
    if (!this.#isOp(value)) throw new ParseError(t?.at ?? -1, `expected ${value}${t ? ` but found ${String(t.value)}` : ' at the end'}`);
    this.#i++;
  }

  parse(): Predicate {
    const node = this.#or(0);
    const t = this.#peek();
    if (t) throw new ParseError(t.at, `unexpected ${String(t.value)}`);
    const value = node.value;
    return (c) => value(c) === true;
  }

  #depth(depth: number): number {
    if (depth > EXPRESSION_DEPTH_MAX) throw new ParseError(this.#peek()?.at ?? -1, `nests deeper than ${EXPRESSION_DEPTH_MAX}`);
    return depth + 1;
  }

  #or(depth: number): Node {
    const d = this.#depth(depth);
    let left = this.#and(d);
    while (this.#isOp('or')) {
      this.#i++;
      const a = left.value;
      const b = this.#and(d).value;
      left = { value: (c) => a(c) === true || b(c) === true };
    }
    return left;
  }

  #and(depth: number): Node {
    const d = this.#depth(depth);
    let left = this.#not(d);
    while (this.#isOp('and')) {
      this.#i++;
      const a = left.value;
      const b = this.#not(d).value;
      left = { value: (c) => a(c) === true && b(c) === true };
    }
    return left;
  }

  #not(depth: number): Node {
    const d = this.#depth(depth);
    if (this.#isOp('not')) {
      this.#i++;
      const inner = this.#not(d).value;
      return { value: (c) => inner(c) !== true };
    }
    return this.#comparison(d);
  }

  #comparison(depth: number): Node {
    const left = this.#operand(depth);
    const t = this.#peek();
    if (!t || (t.kind !== 'op' && t.kind !== 'word')) return left;
    let op = t.value;
    if (op === 'not' && this.tokens[this.#i + 1]?.value === 'in') {
      this.#i += 2;
      op = 'not in';
    } else if (['==', '!=', '<', '<=', '>', '>=', 'in', 'contains', 'subset_of', 'intersects'].includes(op)) this.#i++;
    else return left;
    const right = this.#operand(depth);
    return { value: this.#combine(op, left, right) };
  }

  #combine(op: string, left: Node, right: Node): Value {
    const a = left.value;
    const b = right.value;
    switch (op) {
      case '==':
        return (c) => equal(a(c), b(c));
      case '!=':
        return (c) => !equal(a(c), b(c));
      case '<':
      case '<=':
      case '>':
      case '>=':
        return (c) => order(op, a(c), b(c));
      case 'in':
      case 'not in': {
        const negate = op === 'not in';
        const constant = right.constant?.v;
        // A literal list of scalars is a Set: membership in O(1) however long the list.
        if (constant instanceof Set) return (c) => constant.has(a(c)) !== negate;
        return (c) => {
          const list = b(c);
          if (!Array.isArray(list)) return false;
          const x = a(c);
          return list.some((y) => equal(x, y)) !== negate;
        };
      }
      case 'contains':
        return (c) => {
          const list = a(c);
          const x = b(c);
          return Array.isArray(list) ? list.some((y) => equal(x, y)) : isString(list) && isString(x) && list.includes(x);
        };
      case 'subset_of':
      case 'intersects': {
        const every = op === 'subset_of';
        const constant = right.constant?.v instanceof Set ? right.constant.v : undefined;
        return (c) => {
          const xs = a(c);
          const ys = constant ?? b(c);
          const set = ys instanceof Set ? ys : Array.isArray(ys) ? new Set(ys) : undefined;
          if (!Array.isArray(xs) || !set) return false;
          return every ? xs.every((x) => set.has(x)) : xs.some((x) => set.has(x));
        };
      }
      default:
        throw new ParseError(-1, `unknown operator ${op}`);
    }
  }

  #operand(depth: number): Node {
    const d = this.#depth(depth);
    const t = this.#peek();
    if (!t) throw new ParseError(-1, 'expected a value at the end');
    this.#i++;
    if (t.kind === 'num' || t.kind === 'str') {
      const v = t.value;
      return { value: () => v, constant: { v } };
    }
    if (t.kind === 'op' && t.value === '(') {
      const inner = this.#or(d);
      this.#expect(')');
      return inner;
    }
    if (t.kind === 'op' && t.value === '[') return this.#list(d);
    if (t.kind === 'word') {
      if (t.value === 'true' || t.value === 'false') {
        const v = t.value === 'true';
        return { value: () => v, constant: { v } };
      }
      if (t.value === 'null') return { value: () => null, constant: { v: null } };
      if (WORD_OPERATORS.has(t.value)) throw new ParseError(t.at, `expected a value but found operator ${t.value}`);
      return this.#path(t.value, t.at);
    }
    throw new ParseError(t.at, `expected a value but found ${String(t.value)}`);
  }

  #list(depth: number): Node {
    const items: Node[] = [];
    if (!this.#isOp(']')) {
      for (;;) {
        items.push(this.#operand(depth));
        if (items.length > LIST_LITERAL_ITEMS_MAX)
          throw new ParseError(this.#peek()?.at ?? -1, `a list has at most ${LIST_LITERAL_ITEMS_MAX} items`);
        if (this.#isOp(']')) break;
        this.#expect(',');
      }
    }
    this.#expect(']');
    if (items.every((n) => n.constant && (n.constant.v === null || typeof n.constant.v !== 'object'))) {
      const values = items.map((n) => n.constant!.v);
      const set = new Set(values);
      // The closure yields the array (for ==, contains); `in` and the set operators use the Set.
      return { value: () => values, constant: { v: set } };
    }
    const fns = items.map((n) => n.value);
    return { value: (c) => fns.map((f) => f(c)) };
  }

  #path(text: string, at: number): Node {
    const parts = text.split('.');
    if (parts.length > PATH_SEGMENTS_MAX) throw new ParseError(at, `a path has at most ${PATH_SEGMENTS_MAX} segments`);
    if (!this.paths.includes(text)) this.paths.push(text);
    if (parts.length === 1) {
      const k = parts[0]!;
      return { value: (c) => (Object.hasOwn(c, k) ? c[k] : undefined) };
    }
    return {
      value: (c) => {
        let v: unknown = c;
        for (const k of parts) {
          if (v === null || typeof v !== 'object' || !Object.hasOwn(v, k)) return undefined;
          v = (v as Record<string, unknown>)[k];
        }
        return v;
      },
    };
  }
}

/** Compiles an expression; a syntax error names the position and what was expected. */
export function compileExpression(text: string, path = 'when'): Refusable<CompiledExpression> {
  if (text.length > EXPRESSION_LENGTH_MAX)
    return refused(controlIssue('INVALID_EXPRESSION', path, `is longer than ${EXPRESSION_LENGTH_MAX} characters`));
  const tokens = tokenize(text);
  if (!tokens.ok) return refused(...tokens.issues.map((i) => controlIssue(i.code, path, i.message.slice(i.message.indexOf(': ') + 2))));
  if (tokens.value.length === 0) return refused(controlIssue('INVALID_EXPRESSION', path, 'is empty'));
  const parser = new Parser(tokens.value);
  try {
    const test = parser.parse();
    return accepted({ test, paths: parser.paths });
  } catch (error) {
    if (error instanceof ParseError) {
      const where = error.at >= 0 ? ` at character ${error.at}` : '';
      return refused(controlIssue('INVALID_EXPRESSION', path, `${error.message}${where}`));
    }
    throw error;
  }
}

/** Reads a path from a context, as the compiled closures do (for citing facts). */
export function readPath(context: PolicyContext, path: string): unknown {
  let v: unknown = context;
  for (const k of path.split('.')) {
    if (v === null || typeof v !== 'object' || !Object.hasOwn(v, k)) return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}
