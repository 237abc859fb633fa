// What the control plane remembers about each workflow besides its events: the file it was
// started from (its plan compiles again from it, with the same ids) and its last known status.
import type { Kysely } from 'kysely';
import type { ControlTables, ControlWorkflowRow } from './control-tables.js';

/** Most workflows listed at once. */
export const WORKFLOWS_LISTED_MAX = 1_000;

export class WorkflowRecords {
  constructor(private readonly db: Kysely<ControlTables>) {}

  async insert(row: ControlWorkflowRow): Promise<void> {
    await this.db.insertInto('control_workflows').values(row).execute();
  }

  async settle(workspaceId: string, workflowId: string, status: string, endedAt: string | null, errorCode: string | null): Promise<void> {
    await this.db
      .updateTable('control_workflows')
      .set({ status, ended_at: endedAt, error_code: errorCode })
      .where('workspace_id', '=', workspaceId)
      .where('workflow_id', '=', workflowId)
      .execute();
  }

  /** A workflow of this workspace; another workspace's workflow is not found. */
  get(workspaceId: string, workflowId: string): Promise<ControlWorkflowRow | undefined> {
    return this.db
      .selectFrom('control_workflows')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('workflow_id', '=', workflowId)
      .executeTakeFirst();
  }

  list(workspaceId: string, options: { status?: string | undefined; limit?: number } = {}): Promise<ControlWorkflowRow[]> {
    let q = this.db.selectFrom('control_workflows').selectAll().where('workspace_id', '=', workspaceId);
    if (options.status) q = q.where('status', '=', options.status);
    return q
      .orderBy('created_at', 'desc')
      .limit(Math.min(options.limit ?? 100, WORKFLOWS_LISTED_MAX))
      .execute();
  }

  async runningPinnedTo(workspaceId: string, bundleIds: readonly string[]): Promise<string[]> {
    if (bundleIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('control_workflows')
      .select('workflow_id')
      .where('workspace_id', '=', workspaceId)
      .where('policy_bundle_id', 'in', bundleIds)
      .where('status', 'in', ['pending', 'running', 'compensating'])
      .orderBy('workflow_id')
      .execute();
    return rows.map((r) => r.workflow_id);
  }
}
