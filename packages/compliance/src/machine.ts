// The compliance machine: turns events into cases with evidence chains, violations and audit
// entries (taxonomy flows B and D, and violations reported by other parts). It runs inside the
// caller's transaction and derives every id and timestamp from the input event, so replaying the
// same events rebuilds the same compliance state byte for byte.
import { createEnvelope, deterministicUuid, type EventEnvelopeV1 } from '@kush/contracts';
import type { Transaction } from 'kysely';
import { appendAuditEntry } from './audit-log.js';
import type { ComplianceCaseRow, ComplianceTables } from './tables.js';

/** For each CIV policy type, the control decisions the pinned bundle allows; absent = any. */
export type PolicyExpectations = Readonly<Record<string, readonly string[]>>;

export interface ComplianceMachineOptions {
  readonly workspace: string;
  readonly expectedDecisions?: PolicyExpectations;
  /** Who the audit log names as actor for the machine's own actions. */
  readonly actor?: string;
}

type Trx = Transaction<ComplianceTables>;
type Payload = Record<string, unknown>;

const INSTITUTION_EVENTS = new Set([
  'venture.civ.institution.created.v1',
  'venture.civ.institution.state_changed.v1',
  'venture.civ.institution.merged.v1',
  'venture.civ.institution.split.v1',
  'venture.civ.institution.dissolved.v1',
]);

export class ComplianceMachine {
  readonly #workspace: string;
  readonly #expected: PolicyExpectations;
  readonly #actor: string;

  constructor(options: ComplianceMachineOptions) {
    this.#workspace = options.workspace;
    this.#expected = options.expectedDecisions ?? {};
    this.#actor = options.actor ?? 'system:compliance';
  }

  /** Whether the machine acts on an event type (for subscription filters). */
  static handles(eventType: string): boolean {
    return (
      eventType === 'venture.civ.policy.evaluated.v1' ||
      INSTITUTION_EVENTS.has(eventType) ||
      eventType === 'venture.compliance.violation_detected.v1'
    );
  }

  /** Applies one event; returns the events to publish (through the outbox, in the same transaction). */
  async handle(trx: Trx, event: EventEnvelopeV1): Promise<EventEnvelopeV1[]> {
    const out = new Emitter(event);
    if (event.event_type === 'venture.civ.policy.evaluated.v1') await this.#policyEvaluated(trx, event, out);
    else if (INSTITUTION_EVENTS.has(event.event_type)) await this.#institutionChanged(trx, event, out);
    else if (event.event_type === 'venture.compliance.violation_detected.v1') await this.#violationReported(trx, event, out);
    return out.events;
  }

  // Flow B: every CIV policy evaluation is evidence on the run's entity_policy_evaluation case; a
  // decision the pinned bundle does not expect is a warning-level violation.
  async #policyEvaluated(trx: Trx, event: EventEnvelopeV1, out: Emitter): Promise<void> {
    const p = event.payload as Payload;
    const caseRow = await this.#openCase(trx, event, out, 'entity_policy_evaluation', event.workflow_id, 'low');
    await this.#addEvidence(trx, event, out, caseRow, 'policy_evaluation_record');
    const allowed = this.#expected[String(p['policy_type'])];
    if (allowed && !allowed.includes(String(p['control_decision']))) {
      await this.#violation(trx, event, out, {
        violation_type: 'unexpected_policy_decision',
        severity_level: 'warning',
        remediation_action: 'escalate_to_human',
        summary: `${String(p['policy_type'])} decision ${String(p['control_decision'])} is not among ${allowed.join(', ')}`,
      });
    }
  }

  // Flow D: one institutional_change case per institution, opened at creation, carrying every
  // later change as evidence, closed at dissolution (or when merged into another).
  async #institutionChanged(trx: Trx, event: EventEnvelopeV1, out: Emitter): Promise<void> {
    const p = event.payload as Payload;
    const subjects: Array<{ id: string; close?: string }> = [];
    switch (event.event_type) {
      case 'venture.civ.institution.created.v1':
      case 'venture.civ.institution.state_changed.v1':
        subjects.push({ id: String(p['institution_id']) });
        break;
      case 'venture.civ.institution.merged.v1': {
        const result = String(p['resulting_institution_id']);
        for (const id of p['merging_institution_ids'] as string[])
          subjects.push(id === result ? { id } : { id, close: 'institution_merged' });
        if (!subjects.some((s) => s.id === result)) subjects.push({ id: result });
        break;
      }
      case 'venture.civ.institution.split.v1':
        subjects.push({ id: String(p['source_institution_id']) }, ...(p['new_institution_ids'] as string[]).map((id) => ({ id })));
        break;
      case 'venture.civ.institution.dissolved.v1':
        subjects.push({ id: String(p['institution_id']), close: 'institution_dissolved' });
        break;
    }
    for (const subject of subjects) {
      const caseRow = await this.#openCase(trx, event, out, 'institutional_change', subject.id, 'low');
      if (caseRow.status === 'closed') continue;
      await this.#addEvidence(trx, event, out, caseRow, 'event_log');
      if (subject.close) await this.#closeCase(trx, event, out, caseRow, subject.close);
    }
  }

  // Violations detected elsewhere (the control plane's tool allowlist, the relay's bundle check)
  // are recorded and audited; the event itself is already on the bus.
  async #violationReported(trx: Trx, event: EventEnvelopeV1, out: Emitter): Promise<void> {
    const p = event.payload as Payload;
    const inserted = await this.#storeViolation(trx, event, String(p['violation_id']), {
      violation_type: String(p['violation_type']),
      severity_level: String(p['severity_level']),
      remediation_action: String(p['remediation_action']),
      affected_workflow_id: String(p['affected_workflow_id']),
    });
    if (inserted)
      await this.#audit(
        trx,
        event,
        out,
        'violation_recorded',
        String(p['violation_id']),
        `${String(p['violation_type'])} (${String(p['severity_level'])})`,
      );
  }

  async #openCase(
    trx: Trx,
    event: EventEnvelopeV1,
    out: Emitter,
    caseType: string,
    subjectId: string,
    severity: string,
  ): Promise<ComplianceCaseRow> {
    const case_id = deterministicUuid('compliance.case', this.#workspace, event.workflow_id, caseType, subjectId);
    const existing = await trx
      .selectFrom('compliance_cases')
      .selectAll()
      .where('workspace_id', '=', this.#workspace)
      .where('case_id', '=', case_id)
      .executeTakeFirst();
    if (existing) return existing;
    const row: ComplianceCaseRow = {
      workspace_id: this.#workspace,
      case_id,
      case_type: caseType,
      severity_level: severity,
      subject_id: subjectId,
      workflow_id: event.workflow_id,
      status: 'open',
      evidence_count: 0,
      opened_at: event.created_at,
      closed_at: null,
      closure_reason: null,
      finding: null,
    };
    await trx.insertInto('compliance_cases').values(row).execute();
    out.emit('venture.compliance.case_opened.v1', {
      case_id,
      case_type: caseType,
      severity_level: severity,
      evidence_chain_start: event.event_id,
    });
    await this.#audit(trx, event, out, 'case_opened', case_id, `${caseType} case for ${subjectId}`);
    return row;
  }

  async #addEvidence(trx: Trx, event: EventEnvelopeV1, out: Emitter, caseRow: ComplianceCaseRow, evidenceType: string): Promise<void> {
    const position = caseRow.evidence_count + 1;
    const evidence_id = deterministicUuid('compliance.evidence', caseRow.case_id, event.event_id);
    await trx
      .insertInto('compliance_evidence')
      .values({
        workspace_id: this.#workspace,
        case_id: caseRow.case_id,
        position,
        evidence_id,
        event_id_reference: event.event_id,
        event_type_reference: event.event_type,
        evidence_type: evidenceType,
        added_at: event.created_at,
      })
      .execute();
    await trx
      .updateTable('compliance_cases')
      .set({ evidence_count: position })
      .where('workspace_id', '=', this.#workspace)
      .where('case_id', '=', caseRow.case_id)
      .execute();
    caseRow.evidence_count = position;
    out.emit('venture.compliance.case_evidence_added.v1', {
      case_id: caseRow.case_id,
      evidence_id,
      event_id_reference: event.event_id,
      evidence_type: evidenceType,
      timestamp: event.created_at,
    });
  }

  async #closeCase(trx: Trx, event: EventEnvelopeV1, out: Emitter, caseRow: ComplianceCaseRow, reason: string): Promise<void> {
    const finding = `${caseRow.subject_id}: lifecycle recorded in ${caseRow.evidence_count} evidence items; closed by ${reason}`;
    await trx
      .updateTable('compliance_cases')
      .set({ status: 'closed', closed_at: event.created_at, closure_reason: reason, finding })
      .where('workspace_id', '=', this.#workspace)
      .where('case_id', '=', caseRow.case_id)
      .execute();
    caseRow.status = 'closed';
    out.emit('venture.compliance.case_closed.v1', {
      case_id: caseRow.case_id,
      closure_reason: reason,
      evidence_count: caseRow.evidence_count,
      finding,
    });
    await this.#audit(trx, event, out, 'case_closed', caseRow.case_id, finding);
  }

  async #violation(
    trx: Trx,
    event: EventEnvelopeV1,
    out: Emitter,
    v: { violation_type: string; severity_level: string; remediation_action: string; summary: string },
  ): Promise<void> {
    const violation_id = deterministicUuid('compliance.violation', event.event_id, v.violation_type);
    const inserted = await this.#storeViolation(trx, event, violation_id, { ...v, affected_workflow_id: event.workflow_id });
    if (!inserted) return;
    out.emit('venture.compliance.violation_detected.v1', {
      violation_id,
      violation_type: v.violation_type,
      severity_level: v.severity_level,
      affected_workflow_id: event.workflow_id,
      remediation_action: v.remediation_action,
    });
    await this.#audit(trx, event, out, 'violation_detected', violation_id, v.summary);
  }

  async #storeViolation(
    trx: Trx,
    event: EventEnvelopeV1,
    violation_id: string,
    v: { violation_type: string; severity_level: string; remediation_action: string; affected_workflow_id: string },
  ): Promise<boolean> {
    const exists = await trx
      .selectFrom('compliance_violations')
      .select('violation_id')
      .where('workspace_id', '=', this.#workspace)
      .where('violation_id', '=', violation_id)
      .executeTakeFirst();
    if (exists) return false;
    await trx
      .insertInto('compliance_violations')
      .values({
        workspace_id: this.#workspace,
        violation_id,
        violation_type: v.violation_type,
        severity_level: v.severity_level,
        affected_workflow_id: v.affected_workflow_id,
        remediation_action: v.remediation_action,
        event_id_reference: event.event_id,
        detected_at: event.created_at,
      })
      .execute();
    return true;
  }

  async #audit(trx: Trx, event: EventEnvelopeV1, out: Emitter, action: string, resource: string, summary: string): Promise<void> {
    const log_id = deterministicUuid('compliance.audit', event.event_id, action, resource);
    const entry = await appendAuditEntry(trx, {
      workspace_id: this.#workspace,
      log_id,
      action_type: action,
      actor_id: this.#actor,
      resource_id: resource,
      change_summary: summary.slice(0, 4000),
      timestamp: event.created_at,
    });
    out.emit('venture.audit.log_entry.v1', {
      log_id,
      action_type: action,
      actor_id: this.#actor,
      resource_id: resource,
      change_summary: `${summary.slice(0, 3900)} [chain ${entry.seq}:${entry.entry_hash.slice(0, 16)}]`,
      timestamp: event.created_at,
    });
  }
}

/** Builds output envelopes that inherit workflow, task, trace, bundle and time from the input. */
class Emitter {
  readonly events: EventEnvelopeV1[] = [];
  constructor(private readonly input: EventEnvelopeV1) {}

  emit(eventType: string, payload: Payload): void {
    const n = this.events.length;
    this.events.push(
      createEnvelope({
        event_id: deterministicUuid('compliance.event', this.input.event_id, eventType, n),
        event_type: eventType,
        workflow_id: this.input.workflow_id,
        task_id: this.input.task_id,
        trace_id: this.input.trace_id,
        policy_bundle_id: this.input.policy_bundle_id,
        payload,
        created_at: this.input.created_at,
      }),
    );
  }
}
