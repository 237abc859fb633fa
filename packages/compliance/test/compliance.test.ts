// The compliance machine on both databases: flows B and D, violations, determinism, and the
// audit chain catching altered, inserted, removed and truncated entries.
import { randomBytes } from 'node:crypto';
import { canonicalHash, createEnvelope, deterministicUuid, validateEnvelope, type EventEnvelopeV1 } from '@kush/contracts';
import { integrationTarget, openDatabase, type Database } from '@kush/runtime';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ComplianceMachine,
  complianceSummary,
  detectPolicyDrift,
  getCase,
  listCases,
  listViolations,
  migrateCompliance,
  readAuditLog,
  verifyAuditLog,
  type ComplianceTables,
} from '@kush/compliance';

const pgUrl = await integrationTarget('postgres');
const RUN = deterministicUuid('test.run', 1);
let seq = 0;

function civ(type: string, tick: number, payload: Record<string, unknown>): EventEnvelopeV1 {
  const n = seq++;
  return createEnvelope({
    event_id: deterministicUuid('test.event', n),
    event_type: `venture.${type}`,
    workflow_id: RUN,
    task_id: deterministicUuid('test.tick', tick),
    trace_id: deterministicUuid('test.trace'),
    policy_bundle_id: 'default@1',
    payload: { tick_id: tick, ...payload },
    created_at: new Date(Date.UTC(2026, 0, 1) + tick * 3_600_000).toISOString(),
  });
}

const scenario = (): EventEnvelopeV1[] => {
  seq = 0;
  return [
    civ('civ.policy.evaluated.v1', 1, {
      policy_type: 'fiscal',
      policy_bundle_id: 'default@1',
      control_decision: 'raise_tax_rate',
      affected_entity_count: 10,
      evaluation_duration_ms: 0,
    }),
    civ('civ.institution.created.v1', 1, {
      institution_id: 'institution:1',
      institution_type: 'kingdom',
      founder_id: 'citizen:1',
      location: 'region:1',
      initial_population: 10,
    }),
    civ('civ.institution.state_changed.v1', 2, {
      institution_id: 'institution:1',
      state_before: 'pending',
      state_after: 'active',
      reason: 'quorum',
      affected_citizens_count: 10,
    }),
    civ('civ.policy.evaluated.v1', 2, {
      policy_type: 'fiscal',
      policy_bundle_id: 'default@1',
      control_decision: 'seize_all_assets',
      affected_entity_count: 10,
      evaluation_duration_ms: 0,
    }),
    civ('civ.institution.dissolved.v1', 3, { institution_id: 'institution:1', citizen_relocations: [], asset_liquidations: [] }),
  ];
};

async function run(db: Database<ComplianceTables>, events: EventEnvelopeV1[]): Promise<EventEnvelopeV1[]> {
  const machine = new ComplianceMachine({
    workspace: 'acme',
    expectedDecisions: { fiscal: ['raise_tax_rate', 'lower_tax_rate', 'no_change'] },
  });
  const out: EventEnvelopeV1[] = [];
  for (const e of events) out.push(...(await db.db.transaction().execute((trx) => machine.handle(trx, e))));
  return out;
}

async function stateHash(db: Database<ComplianceTables>): Promise<string> {
  const tables = [
    'compliance_cases',
    'compliance_evidence',
    'compliance_violations',
    'compliance_audit_log',
    'compliance_audit_head',
  ] as const;
  const rows: Record<string, unknown> = {};
  for (const t of tables)
    rows[t] = await db.db
      .selectFrom(t)
      .selectAll()
      .execute()
      .then((r) => r.map((x) => canonicalHash(x)).sort());
  return canonicalHash(rows);
}

const targets: Array<[string, () => Promise<Database<ComplianceTables>>]> = [
  ['sqlite', () => openDatabase<ComplianceTables>({ sqlitePath: ':memory:' })],
];
if (pgUrl)
  targets.push([
    'postgres',
    () => openDatabase<ComplianceTables>({ url: pgUrl, schema: `compliance_test_${randomBytes(4).toString('hex')}` }),
  ]);

describe.each(targets)('compliance on %s', (_name, open) => {
  let db: Database<ComplianceTables>;
  let out: EventEnvelopeV1[];
  beforeAll(async () => {
    db = await open();
    await migrateCompliance(db as never);
    out = await run(db, scenario());
  });
  afterAll(async () => {
    if (db.dialect === 'postgres') await sql.raw(`DROP SCHEMA ${db.schema} CASCADE`).execute(db.db);
    await db.close();
  });

  it('emits only valid venture.compliance.* and venture.audit.* events', () => {
    for (const e of out) expect(validateEnvelope(e)).toMatchObject({ ok: true });
    expect(new Set(out.map((e) => e.event_type))).toEqual(
      new Set([
        'venture.compliance.case_opened.v1',
        'venture.compliance.case_evidence_added.v1',
        'venture.compliance.case_closed.v1',
        'venture.compliance.violation_detected.v1',
        'venture.audit.log_entry.v1',
      ]),
    );
  });

  it('flow B: policy evaluations are evidence on one entity_policy_evaluation case, an unexpected decision a warning', async () => {
    const cases = await listCases(db.db, 'acme');
    const policyCase = cases.find((c) => c.case_type === 'entity_policy_evaluation')!;
    expect(policyCase).toMatchObject({ subject_id: RUN, status: 'open', evidence_count: 2 });
    const full = await getCase(db.db, 'acme', policyCase.case_id);
    expect(full!.evidence.map((e) => e.evidence_type)).toEqual(['policy_evaluation_record', 'policy_evaluation_record']);
    const violations = await listViolations(db.db, 'acme');
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({
      violation_type: 'unexpected_policy_decision',
      severity_level: 'warning',
      affected_workflow_id: RUN,
    });
  });

  it('flow D: one institutional_change case per institution, evidence in order, closed at dissolution', async () => {
    const c = (await listCases(db.db, 'acme')).find((x) => x.case_type === 'institutional_change')!;
    expect(c).toMatchObject({ subject_id: 'institution:1', status: 'closed', closure_reason: 'institution_dissolved', evidence_count: 3 });
    const full = await getCase(db.db, 'acme', c.case_id);
    expect(full!.evidence.map((e) => e.event_type_reference)).toEqual([
      'venture.civ.institution.created.v1',
      'venture.civ.institution.state_changed.v1',
      'venture.civ.institution.dissolved.v1',
    ]);
  });

  it('keeps a verifiable audit chain and summarises the state', async () => {
    expect(await verifyAuditLog(db.db, 'acme')).toMatchObject({ ok: true, problems: [] });
    expect(await complianceSummary(db.db, 'acme')).toEqual({ cases_open: 1, cases_closed: 1, violations: 1, audit_entries: 4 });
  });

  it('rebuilds the same state from the same events (deterministic replay)', async () => {
    const again = await open();
    await migrateCompliance(again as never);
    const outAgain = await run(again, scenario());
    expect(outAgain).toEqual(out);
    expect(await stateHash(again)).toBe(await stateHash(db));
    if (again.dialect === 'postgres') await sql.raw(`DROP SCHEMA ${again.schema} CASCADE`).execute(again.db);
    await again.close();
  });

  it('detects an altered, a removed, an inserted entry and a truncated tail', async () => {
    const entries = await readAuditLog(db.db, 'acme');
    const restore = async () => {
      await db.db.deleteFrom('compliance_audit_log').where('workspace_id', '=', 'acme').execute();
      await db.db.insertInto('compliance_audit_log').values(entries).execute();
    };
    await db.db.updateTable('compliance_audit_log').set({ change_summary: 'nothing happened' }).where('seq', '=', 2).execute();
    expect((await verifyAuditLog(db.db, 'acme')).problems[0]).toMatchObject({ seq: 2, kind: 'altered' });
    await restore();

    await db.db.deleteFrom('compliance_audit_log').where('seq', '=', 3).execute();
    expect((await verifyAuditLog(db.db, 'acme')).problems[0]).toMatchObject({ seq: 3, kind: 'removed' });
    await restore();

    // An insertion that renumbers the rest and recomputes its own hash still breaks the chain.
    const { chainEntry } = await import('@kush/compliance');
    const forged = chainEntry(entries[0], { ...entries[1]!, change_summary: 'forged', log_id: deterministicUuid('forged') });
    await db.db.deleteFrom('compliance_audit_log').where('seq', '>=', 2).execute();
    await db.db
      .insertInto('compliance_audit_log')
      .values([forged, ...entries.slice(1).map((e) => ({ ...e, seq: e.seq + 1 }))])
      .execute();
    const inserted = await verifyAuditLog(db.db, 'acme');
    expect(inserted.ok).toBe(false);
    expect(inserted.problems[0]!.seq).toBe(3);
    await restore();

    await db.db.deleteFrom('compliance_audit_log').where('seq', '=', entries.length).execute();
    expect((await verifyAuditLog(db.db, 'acme')).problems[0]).toMatchObject({ kind: 'truncated' });
    await restore();
    expect((await verifyAuditLog(db.db, 'acme')).ok).toBe(true);
  });
});

describe('policy drift', () => {
  it('reports an event evaluated under another bundle than the pinned one', () => {
    seq = 0;
    const e = civ('civ.policy.evaluated.v1', 1, {
      policy_type: 'fiscal',
      policy_bundle_id: 'default@2',
      control_decision: 'no_change',
      affected_entity_count: 1,
      evaluation_duration_ms: 0,
    });
    const drifted = { ...e, policy_bundle_id: 'default@2' };
    expect(detectPolicyDrift(e, 'default@1')).toBeUndefined();
    const drift = detectPolicyDrift(drifted, 'default@1')!;
    expect(validateEnvelope(drift).ok).toBe(true);
    expect(drift.payload).toMatchObject({ expected_bundle_id: 'default@1', actual_bundle_id: 'default@2' });
  });
});
