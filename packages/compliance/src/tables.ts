// The compliance part's own tables (prefixed compliance_), in the shared database.

export interface ComplianceCaseRow {
  workspace_id: string;
  case_id: string;
  case_type: string;
  severity_level: string;
  /** The entity the case is about (an institution id, a workflow id). */
  subject_id: string;
  workflow_id: string;
  status: 'open' | 'closed';
  evidence_count: number;
  opened_at: string;
  closed_at: string | null;
  closure_reason: string | null;
  finding: string | null;
}

export interface ComplianceEvidenceRow {
  workspace_id: string;
  case_id: string;
  /** Position in the case's evidence chain, from 1. */
  position: number;
  evidence_id: string;
  event_id_reference: string;
  event_type_reference: string;
  evidence_type: string;
  added_at: string;
}

export interface ComplianceViolationRow {
  workspace_id: string;
  violation_id: string;
  violation_type: string;
  severity_level: string;
  affected_workflow_id: string;
  remediation_action: string;
  event_id_reference: string;
  detected_at: string;
}

export interface ComplianceAuditLogRow {
  workspace_id: string;
  seq: number;
  log_id: string;
  action_type: string;
  actor_id: string;
  resource_id: string;
  change_summary: string;
  timestamp: string;
  prev_hash: string;
  entry_hash: string;
}

export interface ComplianceAuditHeadRow {
  workspace_id: string;
  count: number;
  head_hash: string;
}

export interface ComplianceTables {
  compliance_cases: ComplianceCaseRow;
  compliance_evidence: ComplianceEvidenceRow;
  compliance_violations: ComplianceViolationRow;
  compliance_audit_log: ComplianceAuditLogRow;
  compliance_audit_head: ComplianceAuditHeadRow;
}
