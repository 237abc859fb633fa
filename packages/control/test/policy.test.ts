import { validateEnvelope } from '@kush/contracts';
import { CompiledBundle, compileExpression, unwrap } from '@kush/control';
import { describe, expect, it } from 'vitest';

const test = (expr: string, context: Record<string, unknown>) => unwrap(compileExpression(expr)).test(context);

describe('rule language', () => {
  it('compares, combines and tests sets', () => {
    const c = { role: 'analyst', cost_ueau: 250_000, tags: ['pii', 'draft'], input: { service: 'api' }, tier: 'tier_2_standard' };
    expect(test("role == 'analyst'", c)).toBe(true);
    expect(test("role != 'analyst'", c)).toBe(false);
    expect(test('cost_ueau > 100000 and cost_ueau <= 250000', c)).toBe(true);
    expect(test('cost_ueau < 100000 || role == "analyst"', c)).toBe(true);
    expect(test("not (role in ['engineer', 'architect'])", c)).toBe(true);
    expect(test("role not in ['engineer']", c)).toBe(true);
    expect(test("tags contains 'pii'", c)).toBe(true);
    expect(test("tags intersects ['secret', 'pii']", c)).toBe(true);
    expect(test("tags subset_of ['pii', 'draft', 'public']", c)).toBe(true);
    expect(test("tags subset_of ['pii']", c)).toBe(false);
    expect(test("input.service == 'api'", c)).toBe(true);
    expect(test('!(tier == "tier_0_admin") && cost_ueau >= 1e5', c)).toBe(true);
  });

  it('never throws on missing facts or mismatched types: the comparison is false', () => {
    expect(test('missing > 3', {})).toBe(false);
    expect(test("cost_ueau > 'abc'", { cost_ueau: 5 })).toBe(false);
    expect(test('a.b.c == 1', { a: 'string' })).toBe(false);
    expect(test("x in ['a']", {})).toBe(false);
    expect(test('not (missing > 3)', {})).toBe(true);
    expect(test('__proto__ == 1', {})).toBe(false);
  });

  it('reports syntax errors with the position', () => {
    const r = compileExpression("role == 'analyst' and", 'rules.0.when');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues[0]!.message).toBe('rules.0.when: expected a value at the end');
    const s = compileExpression('role === 1');
    expect(s.ok).toBe(false);
    if (!s.ok) expect(s.issues[0]!.message).toBe('when: unexpected character "=" at character 7');
    const t = compileExpression("role == 'open");
    expect(t.ok).toBe(false);
    if (!t.ok) expect(t.issues[0]!.message).toBe('when: unterminated string starting at character 8');
    const deep = compileExpression('('.repeat(200) + '1' + ')'.repeat(200));
    expect(deep.ok).toBe(false);
  });
});

describe('policy bundles', () => {
  const content = {
    name: 'spend',
    default_decision: 'allow',
    rules: [
      { id: 'big-deploys-need-approval', when: "tool == 'deploy' and cost_ueau > 100000", effect: 'require_approval' },
      { id: 'analysts-never-deploy', when: "role == 'analyst' and category == 'deployment'", effect: 'deny' },
    ],
  };

  it('hashes content canonically and evaluates most-restrictive-wins with facts', () => {
    const a = unwrap(CompiledBundle.compile(content));
    const b = unwrap(CompiledBundle.compile({ rules: content.rules, default_decision: 'allow', name: 'spend' }));
    expect(a.content_hash).toBe(b.content_hash);
    expect(a.content_hash).toMatch(/^[0-9a-f]{64}$/);
    const ctx = { tool: 'deploy', cost_ueau: 250_000, role: 'analyst', category: 'deployment' };
    const evaluation = a.evaluate(ctx);
    expect(evaluation.decision).toBe('deny');
    expect(a.facts(evaluation, ctx)).toEqual([
      { rule_id: 'analysts-never-deploy', fact: 'deny: role = "analyst", category = "deployment"' },
    ]);
    const eng = { ...ctx, role: 'engineer' };
    expect(a.evaluate(eng).decision).toBe('require_approval');
    expect(a.evaluate({ tool: 'noop', cost_ueau: 0, role: 'engineer' })).toEqual({ decision: 'allow', matched: [] });
    expect(a.facts(a.evaluate({}), {})[0]!.rule_id).toBe('(default)');
  });

  it('refuses a bad bundle naming the field', () => {
    const r = CompiledBundle.compile({
      ...content,
      rules: [
        { id: 'x', when: 'role ==', effect: 'allow' },
        { id: 'x', when: 'true', effect: 'maybe' },
      ],
    });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues.map((i) => i.path)).toContain('rules.1.effect');
    const s = CompiledBundle.compile({ ...content, rules: [{ id: 'x', when: 'role ==', effect: 'allow' }] });
    expect(s.ok).toBe(false);
    if (!s.ok) expect(s.issues[0]!.message).toBe('rules.0.when: expected a value at the end');
  });

  it('describes the difference between two bundles', () => {
    const a = unwrap(CompiledBundle.compile(content));
    const b = unwrap(
      CompiledBundle.compile({
        ...content,
        default_decision: 'deny',
        rules: [content.rules[0]!, { id: 'new', when: 'true', effect: 'allow' }],
      }),
    );
    expect(a.diff(b)).toBe('default_decision allow -> deny; rules added: new; rules removed: analysts-never-deploy');
  });

  it('evaluates a 50-rule bundle without allocating per rule (smoke check of the hot path)', () => {
    const rules = Array.from({ length: 50 }, (_, i) => ({
      id: `r${i}`,
      when: `tool == 'tool_${i}' and cost_ueau > ${i * 1000} and role in ['analyst', 'engineer']`,
      effect: i % 7 === 0 ? 'deny' : 'allow',
    }));
    const bundle = unwrap(CompiledBundle.compile({ name: 'fifty', default_decision: 'deny', rules }));
    expect(bundle.evaluate({ tool: 'tool_14', cost_ueau: 20_000, role: 'engineer' }).decision).toBe('deny');
    expect(bundle.evaluate({ tool: 'tool_15', cost_ueau: 20_000, role: 'engineer' }).decision).toBe('allow');
    expect(bundle.evaluate({ tool: 'tool_99', cost_ueau: 20_000, role: 'engineer' }).decision).toBe('deny');
    void validateEnvelope;
  });
});
