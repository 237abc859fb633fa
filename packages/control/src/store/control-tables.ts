// The control part's own tables (prefixed control_), in the shared database. Every row carries
// its workspace: queries always filter by it, so nothing crosses from one tenant to another.
import type { Generated } from 'kysely';

export interface ControlWorkspaceRow {
  workspace_id: string;
  display_name: string;
  status: 'active' | 'archived';
  created_at: string;
  archived_at: string | null;
}

export interface ControlUserRow {
  workspace_id: string;
  user_id: string;
  role: string;
  capability_tier: string;
  status: 'active' | 'offboarded';
  initial_budget_ueau: number;
  onboarded_at: string;
  offboarded_at: string | null;
  offboarding_reason: string | null;
}

export interface ControlPolicyBundleRow {
  workspace_id: string;
  bundle_id: string;
  name: string;
  version: number;
  content_hash: string;
  /** Canonical JSON of the bundle content. */
  content: string;
  status: 'published' | 'revoked';
  published_at: string;
  revoked_at: string | null;
}

export interface ControlWorkflowRow {
  workspace_id: string;
  workflow_id: string;
  name: string;
  /** Last status recorded here (the log is the truth; this is for listing). */
  status: string;
  policy_bundle_id: string;
  /** The validated workflow file as JSON: the plan is compiled from it again when needed. */
  file: string;
  task_count: number;
  created_at: string;
  ended_at: string | null;
  error_code: string | null;
}

export interface ControlEventRow {
  seq: Generated<number>;
  workspace_id: string;
  event_id: string;
  event_type: string;
  workflow_id: string;
  /** The envelope as JSON. */
  envelope: string;
}

export interface ControlBudgetRow {
  workspace_id: string;
  limit_ueau: number;
  spent_ueau: number;
}

export interface ControlChargeRow {
  idempotency_key: string;
  workspace_id: string;
  amount_ueau: number;
  tool_name: string;
  workflow_id: string;
  task_id: string;
  created_at: string;
}

export interface ControlTables {
  control_events: ControlEventRow;
  control_budgets: ControlBudgetRow;
  control_charges: ControlChargeRow;
  control_workspaces: ControlWorkspaceRow;
  control_users: ControlUserRow;
  control_policy_bundles: ControlPolicyBundleRow;
  control_workflows: ControlWorkflowRow;
}
