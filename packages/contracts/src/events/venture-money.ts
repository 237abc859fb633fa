// Taxonomy 2.3: money and treasury (money.*, ledger.*, budget.*, reconciliation.*).
import { Type } from '@sinclair/typebox';
import { AUTHORIZATION_DECISIONS, BUDGET_WINDOWS, REASON_CODES, RECONCILIATION_STATUSES, SCOPE_TYPES } from '../enums.js';
import { DateTime, EntityId, Enum, MicroEau, Payload, PolicyBundleId, SignedMinorUnits, Uuid, WorkspaceId } from '../primitives.js';
import { defineEvent } from './definition.js';

const REF = ['EVENT_TAXONOMY 2.3', 'TRACK_B_TREASURY_COMPLIANCE_SPEC'];
const INTENT = '4f2b1a0c-9d8e-5f7a-826b-e5f6a7b8c9d0';
const WF = '0b8f9a7e-6d5c-5b4a-8392-a1b2c3d4e5f6';
const Window = () => Enum(BUDGET_WINDOWS, 'Window the cap or allocation applies to.');

export const ventureMoneyEvents = [
  defineEvent(
    'venture.money.intent_created.v1',
    Payload(
      {
        intent_id: Uuid('Money intent.'),
        workflow_id: Uuid('Workflow the intent serves.'),
        scope_type: Enum(SCOPE_TYPES, 'What the intent covers.'),
        scope_id: EntityId('Id within the scope type (workflow id, task id, workspace id, or "global").'),
        cap_amount: MicroEau('Most that may be spent under the intent.'),
        window: Window(),
        ttl_ms: Type.Integer({
          minimum: 1,
          maximum: 31_536_000_000,
          description: 'Lifetime in milliseconds from creation (at most a year).',
        }),
      },
      'Records a spend authorization request.',
    ),
    REF,
    { intent_id: INTENT, workflow_id: WF, scope_type: 'workflow', scope_id: WF, cap_amount: 5000000, window: 'daily', ttl_ms: 3600000 },
  ),
  defineEvent(
    'venture.money.authorization_decided.v1',
    Payload(
      {
        intent_id: Uuid('Money intent.'),
        workflow_id: Uuid('Workflow.'),
        decision: Enum(AUTHORIZATION_DECISIONS, 'Decision.'),
        reason_code: Enum(REASON_CODES, 'Reason.'),
        policy_bundle_id: PolicyBundleId(),
      },
      'Records a spend approval or rejection.',
    ),
    REF,
    { intent_id: INTENT, workflow_id: WF, decision: 'approved', reason_code: 'approved', policy_bundle_id: 'default@1' },
  ),
  defineEvent(
    'venture.ledger.entry_created.v1',
    Payload(
      {
        entry_id: Uuid('Ledger transaction.'),
        debit_account: EntityId('Account debited (chart of accounts id).'),
        credit_account: EntityId('Account credited.'),
        amount: Type.Integer({
          minimum: 1,
          maximum: Number.MAX_SAFE_INTEGER,
          description: 'Amount, positive integer in the minor unit of the accounts.',
          'x-unit': 'minor',
        }),
        reference_id: EntityId('What caused the entry (CIV event id, intent id, tool call id).'),
        policy_bundle_id: PolicyBundleId(),
      },
      'Records a double-entry transaction.',
    ),
    REF,
    {
      entry_id: INTENT,
      debit_account: 'acme:expense:tools',
      credit_account: 'acme:asset:budget',
      amount: 250000,
      reference_id: 'tool-call:1',
      policy_bundle_id: 'default@1',
    },
  ),
  defineEvent(
    'venture.budget.allocation_approved.v1',
    Payload(
      { workspace_id: WorkspaceId(), allocation_amount: MicroEau('EAU allocated.'), window: Window(), policy_bundle_id: PolicyBundleId() },
      'Records a workspace budget approval.',
    ),
    REF,
    { workspace_id: 'acme', allocation_amount: 100000000, window: 'monthly', policy_bundle_id: 'default@1' },
  ),
  defineEvent(
    'venture.budget.exceeded.v1',
    Payload(
      {
        workspace_id: WorkspaceId(),
        budget_limit: MicroEau('Allocation in force.'),
        actual_spend: MicroEau('Spend including the refused or overflowing charge.'),
        overage_amount: MicroEau('actual_spend - budget_limit.'),
      },
      'Records a budget violation.',
    ),
    REF,
    { workspace_id: 'acme', budget_limit: 100000000, actual_spend: 100250000, overage_amount: 250000 },
  ),
  defineEvent(
    'venture.reconciliation.run.v1',
    Payload(
      {
        run_id: Uuid('Reconciliation run.'),
        period: Type.String({
          minLength: 1,
          maxLength: 64,
          description: 'Period reconciled, e.g. 2026-02-21, or run:<simulation run id>.',
        }),
        drift_amount: SignedMinorUnits('Ledger minus reference, summed.'),
        drift_pct: Type.Number({ minimum: -1e9, maximum: 1e9, description: 'Drift as a percentage of the total ledger balance.' }),
        status: Enum(RECONCILIATION_STATUSES, 'Outcome.'),
        timestamp: DateTime('When the reconciliation ran.'),
      },
      'Records a reconciliation.',
    ),
    REF,
    { run_id: INTENT, period: '2026-02-21', drift_amount: 0, drift_pct: 0, status: 'matched', timestamp: '2026-02-21T00:00:00.000Z' },
  ),
];
