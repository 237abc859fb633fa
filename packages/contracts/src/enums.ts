// Every enumeration the event taxonomy lists, as readonly tuples so that code and
// schemas share one definition.
export const SOURCE_SYSTEMS = ['civ', 'venture'] as const;
export const POLICY_TYPES = ['fiscal', 'labor_market', 'environmental', 'institutional'] as const;
export const SEVERITY_LEVELS_CIV = ['critical', 'warning', 'info'] as const;
export const MARKET_TYPES = ['labor', 'goods', 'capital', 'energy'] as const;
export const ENERGY_SOURCE_TYPES = ['renewable', 'fossil', 'nuclear', 'storage'] as const;
export const INSTITUTION_TYPES = ['kingdom', 'city_state', 'alliance', 'corporation', 'religious_order', 'militia'] as const;
export const INSTITUTION_STATES = ['pending', 'active', 'dormant', 'dissolved'] as const;
export const TREATY_TYPES = ['military_alliance', 'trade_agreement', 'non_aggression_pact', 'vassalage'] as const;
export const SHADOW_NETWORK_TYPES = ['spy_ring', 'merchant_guild', 'religious_sect', 'secret_society'] as const;
export const INFLUENCE_DIRECTIONS = ['support', 'subvert', 'destabilize'] as const;
export const IDEOLOGIES = ['monarchy', 'theocracy', 'democracy', 'autocracy', 'meritocracy'] as const;
export const CULTURAL_EVENT_TYPES = ['festival', 'artistic_movement', 'scientific_breakthrough', 'religious_schism'] as const;

export const AGENT_ROLES = ['analyst', 'architect', 'engineer', 'auditor', 'orchestrator'] as const;
export const WORKFLOW_STATUSES = ['pending', 'running', 'completed', 'failed', 'compensating', 'cancelled'] as const;
export const TASK_STATUSES = ['scheduled', 'started', 'completed', 'failed', 'retrying'] as const;
export const IR_TYPES = ['SlideSpec', 'DocSpec', 'TimelineSpec', 'AudioSpec', 'BoardSpec', 'CivSimulationArtifact'] as const;
export const TARGET_SURFACES = ['web', 'mobile', 'vr', 'print', 'cinema'] as const;
export const PROVENANCE_PROVIDERS = ['openai', 'anthropic', 'veo', 'nanobanana', 'internal'] as const;
export const BUILD_STATUSES = ['succeeded', 'failed', 'cached'] as const;
export const SCOPE_TYPES = ['workflow', 'task', 'agent_action', 'workspace', 'global'] as const;
export const AUTHORIZATION_DECISIONS = ['approved', 'rejected'] as const;
export const REASON_CODES = ['approved', 'rejected_budget', 'rejected_policy', 'revoked', 'expired'] as const;
export const RECONCILIATION_STATUSES = ['matched', 'drift_detected', 'failed'] as const;
export const CASE_TYPES = [
  'policy_violation',
  'treasury_drift',
  'tool_misuse',
  'compliance_breach',
  'incident_investigation',
  // Named by the taxonomy's flows B and D (part 3.2) although missing from table 2.4.
  'entity_policy_evaluation',
  'institutional_change',
] as const;
export const SEVERITY_LEVELS = ['critical', 'high', 'medium', 'low', 'warning'] as const;
export const EVIDENCE_TYPES = [
  'event_log',
  'state_snapshot',
  'signature',
  'attestation',
  'audit_trail',
  // Named by flow B (part 3.2).
  'policy_evaluation_record',
] as const;
export const REMEDIATION_ACTIONS = ['suspend_workflow', 'revoke_authorization', 'escalate_to_human', 'auto_remediate'] as const;
export const CAPABILITY_TIERS = ['tier_0_admin', 'tier_1_advanced', 'tier_2_standard', 'tier_3_limited'] as const;
export const SIGNAL_TYPES = ['task_completion_rate', 'tool_usage_distribution', 'budget_utilization', 'compliance_rate'] as const;
export const PRIVACY_REQUEST_TYPES = ['right_to_access', 'right_to_deletion', 'right_to_portability', 'right_to_correction'] as const;
export const PRIVACY_REQUEST_STATUSES = ['completed', 'rejected', 'partial'] as const;
export const PII_TYPES = ['email', 'phone', 'ssn', 'credit_card', 'api_key', 'password_hash', 'location'] as const;
export const BUDGET_WINDOWS = ['per_run', 'hourly', 'daily', 'weekly', 'monthly'] as const;

export type SourceSystem = (typeof SOURCE_SYSTEMS)[number];
export type MarketType = (typeof MARKET_TYPES)[number];
export type EnergySourceType = (typeof ENERGY_SOURCE_TYPES)[number];
export type InstitutionType = (typeof INSTITUTION_TYPES)[number];
export type InstitutionState = (typeof INSTITUTION_STATES)[number];
export type AgentRole = (typeof AGENT_ROLES)[number];
export type ReasonCode = (typeof REASON_CODES)[number];
export type ScopeType = (typeof SCOPE_TYPES)[number];
export type CaseType = (typeof CASE_TYPES)[number];
export type CapabilityTier = (typeof CAPABILITY_TIERS)[number];
