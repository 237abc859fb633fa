// Read side of the compliance tables, for the CLI and the API.
import type { Kysely } from 'kysely';
import type { ComplianceCaseRow, ComplianceEvidenceRow, ComplianceTables, ComplianceViolationRow } from './tables.js';

export interface CaseWithEvidence extends ComplianceCaseRow {
  evidence: ComplianceEvidenceRow[];
}

export async function listCases(db: Kysely<ComplianceTables>, workspaceId: string, limit = 1000): Promise<ComplianceCaseRow[]> {
  return db
    .selectFrom('compliance_cases')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('opened_at')
    .orderBy('case_id')
    .limit(limit)
    .execute();
}

export async function getCase(db: Kysely<ComplianceTables>, workspaceId: string, caseId: string): Promise<CaseWithEvidence | undefined> {
  const row = await db
    .selectFrom('compliance_cases')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('case_id', '=', caseId)
    .executeTakeFirst();
  if (!row) return undefined;
  const evidence = await db
    .selectFrom('compliance_evidence')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('case_id', '=', caseId)
    .orderBy('position')
    .execute();
  return { ...row, evidence };
}

export async function listViolations(db: Kysely<ComplianceTables>, workspaceId: string, limit = 1000): Promise<ComplianceViolationRow[]> {
  return db
    .selectFrom('compliance_violations')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('detected_at')
    .orderBy('violation_id')
    .limit(limit)
    .execute();
}

export interface ComplianceSummary {
  cases_open: number;
  cases_closed: number;
  violations: number;
  audit_entries: number;
}

export async function complianceSummary(db: Kysely<ComplianceTables>, workspaceId: string): Promise<ComplianceSummary> {
  const cases = await db
    .selectFrom('compliance_cases')
    .select(['status', db.fn.countAll<number>().as('n')])
    .where('workspace_id', '=', workspaceId)
    .groupBy('status')
    .execute();
  const violations = await db
    .selectFrom('compliance_violations')
    .select(db.fn.countAll<number>().as('n'))
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  const head = await db.selectFrom('compliance_audit_head').select('count').where('workspace_id', '=', workspaceId).executeTakeFirst();
  const count = (status: string) => Number(cases.find((c) => c.status === status)?.n ?? 0);
  return {
    cases_open: count('open'),
    cases_closed: count('closed'),
    violations: Number(violations?.n ?? 0),
    audit_entries: head?.count ?? 0,
  };
}
