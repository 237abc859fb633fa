// The relay's own tables: its resume point per simulation run, the opt-in citizen-to-user map of
// flow C, and the observational metrics kept for citizens that map to no user.
export interface RelayProgressRow {
  workspace_id: string;
  /** The simulation run, i.e. the Venture workflow (1:1). */
  run_id: string;
  /** Last tick whose events were fully applied; -1 before the first. */
  last_tick: number;
  /** Count of CIV events applied so far. */
  events_applied: number;
  pinned_bundle_id: string;
}

export interface RelayCitizenUserRow {
  workspace_id: string;
  citizen_id: string;
  user_id: string;
}

export interface RelayObservationRow {
  workspace_id: string;
  run_id: string;
  event_type: string;
  count: number;
}

/** Events derived in a relay transaction, waiting to be appended to the log (transactional outbox). */
export interface RelayOutboxRow {
  workspace_id: string;
  seq: number;
  envelope: string;
}

export interface RelayTables {
  relay_outbox: RelayOutboxRow;
  relay_progress: RelayProgressRow;
  relay_citizen_users: RelayCitizenUserRow;
  relay_observations: RelayObservationRow;
}
