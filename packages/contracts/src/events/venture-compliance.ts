// Taxonomy 2.4: compliance and audit (compliance.*, audit.*).
import { Type } from '@sinclair/typebox';
import { CASE_TYPES, EVIDENCE_TYPES, REMEDIATION_ACTIONS, SEVERITY_LEVELS } from '../enums.js';
import { Count, DateTime, EntityId, Enum, Payload, SnakeCase, Text, Uuid } from '../primitives.js';
import { defineEvent } from './definition.js';

const REF = ['EVENT_TAXONOMY 2.4', 'OPS_COMPLIANCE_SPEC'];
const CASE = '5a3c2b1d-0e9f-5a8b-937c-f6a7b8c9d0e1';
const EVID = '6b4d3c2e-1f0a-5b9c-a48d-a7b8c9d0e1f2';
const EVENT = '7c5e4d3f-2a1b-5cad-b59e-b8c9d0e1f2a3';
const HASH = 'c5f3e4d6a7b8c90a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f607182';
const Severity = () => Enum(SEVERITY_LEVELS, 'Severity.');

export const ventureComplianceEvents = [
  defineEvent(
    'venture.compliance.case_opened.v1',
    Payload(
      {
        case_id: Uuid('Case.'),
        case_type: Enum(CASE_TYPES, 'Case type.'),
        severity_level: Severity(),
        evidence_chain_start: Uuid('Event that opened the case; first link of its evidence chain.'),
      },
      'Records a new compliance investigation.',
    ),
    REF,
    { case_id: CASE, case_type: 'institutional_change', severity_level: 'low', evidence_chain_start: EVENT },
  ),
  defineEvent(
    'venture.compliance.case_evidence_added.v1',
    Payload(
      {
        case_id: Uuid('Case.'),
        evidence_id: Uuid('Evidence item.'),
        event_id_reference: Uuid('Event the evidence points to.'),
        evidence_type: Enum(EVIDENCE_TYPES, 'Evidence type.'),
        timestamp: DateTime('When the evidence was added (the referenced event time for replayed flows).'),
      },
      'Appends evidence to a case.',
    ),
    REF,
    { case_id: CASE, evidence_id: EVID, event_id_reference: EVENT, evidence_type: 'event_log', timestamp: '2026-02-21T00:00:00.000Z' },
  ),
  defineEvent(
    'venture.compliance.case_closed.v1',
    Payload(
      {
        case_id: Uuid('Case.'),
        closure_reason: SnakeCase('Why it closed: institution_dissolved, resolved, false_positive, ...'),
        evidence_count: Count('Evidence items on the case.'),
        finding: Text('What the case found.'),
      },
      'Records a case resolution.',
    ),
    REF,
    { case_id: CASE, closure_reason: 'institution_dissolved', evidence_count: 4, finding: 'lifecycle complete; no violation' },
  ),
  defineEvent(
    'venture.compliance.violation_detected.v1',
    Payload(
      {
        violation_id: Uuid('Violation.'),
        violation_type: SnakeCase('tool_misuse, policy_bundle_mismatch, unexpected_policy_decision, budget_overrun, ...'),
        severity_level: Severity(),
        affected_workflow_id: Uuid('Workflow concerned.'),
        remediation_action: Enum(REMEDIATION_ACTIONS, 'Action taken.'),
      },
      'Records a policy or regulatory breach.',
    ),
    REF,
    {
      violation_id: EVID,
      violation_type: 'tool_misuse',
      severity_level: 'high',
      affected_workflow_id: CASE,
      remediation_action: 'escalate_to_human',
    },
  ),
  defineEvent(
    'venture.audit.log_entry.v1',
    Payload(
      {
        log_id: Uuid('Audit entry.'),
        action_type: SnakeCase('Action audited.'),
        actor_id: EntityId('User, agent or system component.'),
        resource_id: EntityId('Resource acted on.'),
        change_summary: Text('What changed. The hash chain links entries; see the audit log.'),
        timestamp: DateTime('When the action happened.'),
      },
      'Records a user or system action for audit.',
    ),
    REF,
    {
      log_id: EVID,
      action_type: 'ledger_post',
      actor_id: 'system:relay',
      resource_id: 'acme:ledger',
      change_summary: 'posted 3 entries; chain ' + HASH.slice(0, 12),
      timestamp: '2026-02-21T00:00:00.000Z',
    },
  ),
  defineEvent(
    'venture.compliance.policy_drift.v1',
    Payload(
      {
        drift_id: Uuid('Drift finding.'),
        expected_bundle_id: Type.String({ minLength: 1, maxLength: 128, description: 'Bundle the workflow was pinned to.' }),
        actual_bundle_id: Type.String({ minLength: 1, maxLength: 128, description: 'Bundle observed.' }),
        diff_summary: Text('What differs.'),
      },
      'Records an unintended policy change.',
    ),
    REF,
    { drift_id: EVID, expected_bundle_id: 'default@1', actual_bundle_id: 'default@2', diff_summary: 'rule max_tool_cost changed' },
  ),
];
