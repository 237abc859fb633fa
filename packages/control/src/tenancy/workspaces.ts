// Workspaces are the tenants: every workflow, task, event, bundle, user and ledger row belongs to
// exactly one. An archived workspace keeps its history but starts nothing new.
import { createEnvelope, deterministicUuid, WORKSPACE_ID_PATTERN, type EventEnvelopeV1 } from '@kush/contracts';
import type { Clock } from '@kush/runtime';
import type { Kysely } from 'kysely';
import { accepted, controlIssue, refused, type Refusable } from '../control-error.js';
import { workspaceScopeId } from '../policy/policy-events.js';
import type { ControlTables, ControlWorkspaceRow } from '../store/control-tables.js';

/** Most workspaces one installation holds. */
export const WORKSPACES_MAX = 100_000;
export const DEFAULT_WORKSPACE = 'default';
const WORKSPACE_ID = new RegExp(WORKSPACE_ID_PATTERN);

type Publish = (workspaceId: string, events: readonly EventEnvelopeV1[]) => Promise<void>;

/** An audit entry for a change to a workspace or its users, in that workspace's log. */
export function auditEntry(
  workspaceId: string,
  p: { action_type: string; actor_id: string; resource_id: string; change_summary: string; at: string; bundle_id: string },
): EventEnvelopeV1 {
  const scope = workspaceScopeId(workspaceId);
  const log_id = deterministicUuid('kush.control.audit', workspaceId, p.action_type, p.resource_id, p.at);
  return createEnvelope({
    event_id: log_id,
    event_type: 'venture.audit.log_entry.v1',
    workflow_id: scope,
    task_id: scope,
    trace_id: scope,
    policy_bundle_id: p.bundle_id,
    payload: {
      log_id,
      action_type: p.action_type,
      actor_id: p.actor_id,
      resource_id: p.resource_id,
      change_summary: p.change_summary,
      timestamp: p.at,
    },
    created_at: p.at,
  });
}

export class Workspaces {
  constructor(
    private readonly db: Kysely<ControlTables>,
    private readonly clock: Clock,
    private readonly publishEvents: Publish,
  ) {}

  async create(
    workspaceId: string,
    options: { display_name?: string | undefined; actor_id?: string } = {},
  ): Promise<Refusable<ControlWorkspaceRow>> {
    if (!WORKSPACE_ID.test(workspaceId))
      return refused(
        controlIssue('INVALID_WORKSPACE', 'workspace_id', `must match ${WORKSPACE_ID_PATTERN} (lower-case letters, digits, dashes)`),
      );
    const display = options.display_name ?? workspaceId;
    if (display.length === 0 || display.length > 256)
      return refused(controlIssue('INVALID_WORKSPACE', 'display_name', 'must have 1 to 256 characters'));
    if (await this.get(workspaceId))
      return refused(controlIssue('WORKSPACE_EXISTS', 'workspace_id', `workspace ${workspaceId} already exists`));
    const count = await this.db
      .selectFrom('control_workspaces')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirst();
    if (Number(count?.n ?? 0) >= WORKSPACES_MAX)
      return refused(controlIssue('TOO_MANY_WORKSPACES', 'workspace_id', `at most ${WORKSPACES_MAX} workspaces`));
    const row: ControlWorkspaceRow = {
      workspace_id: workspaceId,
      display_name: display,
      status: 'active',
      created_at: this.clock.iso(),
      archived_at: null,
    };
    await this.db.insertInto('control_workspaces').values(row).execute();
    await this.publishEvents(workspaceId, [
      auditEntry(workspaceId, {
        action_type: 'workspace_created',
        actor_id: options.actor_id ?? 'system:control',
        resource_id: `workspace:${workspaceId}`,
        change_summary: `workspace ${workspaceId} (${display}) created`,
        at: row.created_at,
        bundle_id: 'default@1',
      }),
    ]);
    return accepted(row);
  }

  get(workspaceId: string): Promise<ControlWorkspaceRow | undefined> {
    return this.db.selectFrom('control_workspaces').selectAll().where('workspace_id', '=', workspaceId).executeTakeFirst();
  }

  list(options: { include_archived?: boolean } = {}): Promise<ControlWorkspaceRow[]> {
    let q = this.db.selectFrom('control_workspaces').selectAll();
    if (!options.include_archived) q = q.where('status', '=', 'active');
    return q.orderBy('workspace_id').execute();
  }

  /** The workspace, if it exists and is not archived. */
  async requireActive(workspaceId: string, path = 'workspace'): Promise<Refusable<ControlWorkspaceRow>> {
    const row = await this.get(workspaceId);
    if (!row)
      return refused(
        controlIssue(
          'UNKNOWN_WORKSPACE',
          path,
          `workspace ${workspaceId} does not exist (create it with \`kush workspace create ${workspaceId}\`)`,
        ),
      );
    if (row.status === 'archived')
      return refused(controlIssue('WORKSPACE_ARCHIVED', path, `workspace ${workspaceId} is archived; it starts nothing new`));
    return accepted(row);
  }

  /** Archives a workspace with no running workflows. */
  async archive(workspaceId: string, options: { actor_id?: string } = {}): Promise<Refusable<ControlWorkspaceRow>> {
    const active = await this.requireActive(workspaceId, 'workspace_id');
    if (!active.ok) return active;
    const running = await this.db
      .selectFrom('control_workflows')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('workspace_id', '=', workspaceId)
      .where('status', 'in', ['pending', 'running', 'compensating'])
      .executeTakeFirst();
    if (Number(running?.n ?? 0) > 0) {
      return refused(
        controlIssue(
          'WORKSPACE_BUSY',
          'workspace_id',
          `workspace ${workspaceId} has ${Number(running!.n)} running workflow(s); wait for them or cancel them first`,
        ),
      );
    }
    const at = this.clock.iso();
    await this.db
      .updateTable('control_workspaces')
      .set({ status: 'archived', archived_at: at })
      .where('workspace_id', '=', workspaceId)
      .execute();
    await this.publishEvents(workspaceId, [
      auditEntry(workspaceId, {
        action_type: 'workspace_archived',
        actor_id: options.actor_id ?? 'system:control',
        resource_id: `workspace:${workspaceId}`,
        change_summary: `workspace ${workspaceId} archived`,
        at,
        bundle_id: 'default@1',
      }),
    ]);
    return accepted({ ...active.value, status: 'archived', archived_at: at });
  }
}
