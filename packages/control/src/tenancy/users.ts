// Users: people (or service identities) working in one workspace with a role, a capability tier
// and an EAU budget. Onboarding allocates the budget; offboarding disposes of what is left. Each
// change is a venture.user.* event in the workspace's log.
import {
  AGENT_ROLES,
  CAPABILITY_TIERS,
  createEnvelope,
  deterministicUuid,
  SAFE_INTEGER_MAX,
  SNAKE_CASE_PATTERN,
  type AgentRole,
  type CapabilityTier,
  type EventEnvelopeV1,
} from '@kush/contracts';
import type { Clock } from '@kush/runtime';
import type { Kysely } from 'kysely';
import { accepted, controlIssue, refused, type ControlIssue, type Refusable } from '../control-error.js';
import { workspaceScopeId } from '../policy/policy-events.js';
import type { ControlTables, ControlUserRow } from '../store/control-tables.js';
import { RESIDUAL_DISPOSALS, type ResidualDisposal, type UserBudgetLedger } from './user-budgets.js';
import type { Workspaces } from './workspaces.js';

export const USER_ID_PATTERN = '^[a-z0-9][a-z0-9._:-]{0,127}$';
/** Most users per workspace. */
export const USERS_PER_WORKSPACE_MAX = 100_000;
const USER_ID = new RegExp(USER_ID_PATTERN);
const SNAKE = new RegExp(SNAKE_CASE_PATTERN);

type Publish = (workspaceId: string, events: readonly EventEnvelopeV1[]) => Promise<void>;

export interface OnboardRequest {
  readonly workspace_id: string;
  readonly user_id: string;
  readonly role: string;
  readonly capability_tier: string;
  readonly initial_budget_ueau: number;
}

function userEvent(
  workspaceId: string,
  type: string,
  idParts: readonly string[],
  payload: Record<string, unknown>,
  at: string,
): EventEnvelopeV1 {
  const scope = workspaceScopeId(workspaceId);
  return createEnvelope({
    event_id: deterministicUuid(type, workspaceId, ...idParts),
    event_type: type,
    workflow_id: scope,
    task_id: scope,
    trace_id: scope,
    policy_bundle_id: 'default@1',
    payload,
    created_at: at,
  });
}

export class Users {
  constructor(
    private readonly db: Kysely<ControlTables>,
    private readonly clock: Clock,
    private readonly workspaces: Workspaces,
    private readonly budgets: UserBudgetLedger,
    private readonly publishEvents: Publish,
  ) {}

  async onboard(request: OnboardRequest): Promise<Refusable<ControlUserRow>> {
    const issues: ControlIssue[] = [];
    if (!USER_ID.test(request.user_id)) issues.push(controlIssue('INVALID_USER', 'user_id', `must match ${USER_ID_PATTERN}`));
    if (!(AGENT_ROLES as readonly string[]).includes(request.role))
      issues.push(controlIssue('INVALID_USER', 'role', `must be one of ${AGENT_ROLES.join(', ')}`));
    if (!(CAPABILITY_TIERS as readonly string[]).includes(request.capability_tier)) {
      issues.push(controlIssue('INVALID_USER', 'capability_tier', `must be one of ${CAPABILITY_TIERS.join(', ')}`));
    }
    if (
      !Number.isSafeInteger(request.initial_budget_ueau) ||
      request.initial_budget_ueau < 0 ||
      request.initial_budget_ueau > SAFE_INTEGER_MAX
    ) {
      issues.push(controlIssue('INVALID_USER', 'initial_budget_ueau', 'must be a non-negative integer (micro-EAU)'));
    }
    if (issues.length > 0) return refused(...issues);
    const workspace = await this.workspaces.requireActive(request.workspace_id, 'workspace_id');
    if (!workspace.ok) return workspace;
    const existing = await this.get(request.workspace_id, request.user_id);
    if (existing?.status === 'active')
      return refused(
        controlIssue('USER_EXISTS', 'user_id', `user ${request.user_id} is already onboarded in workspace ${request.workspace_id}`),
      );
    const count = await this.db
      .selectFrom('control_users')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('workspace_id', '=', request.workspace_id)
      .executeTakeFirst();
    if (Number(count?.n ?? 0) >= USERS_PER_WORKSPACE_MAX)
      return refused(controlIssue('TOO_MANY_USERS', 'user_id', `a workspace holds at most ${USERS_PER_WORKSPACE_MAX} users`));
    const at = this.clock.iso();
    // A re-onboarded user gets a new allocation: the key includes the onboarding time.
    const allocated = await this.budgets.allocate({
      workspace_id: request.workspace_id,
      user_id: request.user_id,
      amount_ueau: request.initial_budget_ueau,
      idempotency_key: `user-onboard:${request.workspace_id}:${request.user_id}:${at}`,
    });
    if (!allocated.ok) return allocated;
    const row: ControlUserRow = {
      workspace_id: request.workspace_id,
      user_id: request.user_id,
      role: request.role,
      capability_tier: request.capability_tier,
      status: 'active',
      initial_budget_ueau: request.initial_budget_ueau,
      onboarded_at: at,
      offboarded_at: null,
      offboarding_reason: null,
    };
    if (existing) {
      await this.db
        .updateTable('control_users')
        .set(row)
        .where('workspace_id', '=', row.workspace_id)
        .where('user_id', '=', row.user_id)
        .execute();
    } else await this.db.insertInto('control_users').values(row).execute();
    await this.publishEvents(request.workspace_id, [
      userEvent(
        request.workspace_id,
        'venture.user.onboarded.v1',
        [request.user_id, at],
        {
          user_id: request.user_id,
          role: request.role as AgentRole,
          workspace_id: request.workspace_id,
          capability_tier: request.capability_tier as CapabilityTier,
          initial_budget_eau: request.initial_budget_ueau,
        },
        at,
      ),
    ]);
    return accepted(row);
  }

  async changeCapability(workspaceId: string, userId: string, tier: string, reason: string): Promise<Refusable<ControlUserRow>> {
    if (!(CAPABILITY_TIERS as readonly string[]).includes(tier))
      return refused(controlIssue('INVALID_USER', 'capability_tier', `must be one of ${CAPABILITY_TIERS.join(', ')}`));
    if (!SNAKE.test(reason) || reason.length > 128)
      return refused(controlIssue('INVALID_USER', 'reason', `must match ${SNAKE_CASE_PATTERN}`));
    const user = await this.requireActive(workspaceId, userId);
    if (!user.ok) return user;
    if (user.value.capability_tier === tier)
      return refused(controlIssue('NO_CHANGE', 'capability_tier', `user ${userId} already has ${tier}`));
    const at = this.clock.iso();
    await this.db
      .updateTable('control_users')
      .set({ capability_tier: tier })
      .where('workspace_id', '=', workspaceId)
      .where('user_id', '=', userId)
      .execute();
    await this.publishEvents(workspaceId, [
      userEvent(
        workspaceId,
        'venture.user.capability_changed.v1',
        [userId, tier, at],
        { user_id: userId, old_capability_tier: user.value.capability_tier, new_capability_tier: tier, reason },
        at,
      ),
    ]);
    return accepted({ ...user.value, capability_tier: tier });
  }

  async offboard(
    workspaceId: string,
    userId: string,
    options: { reason: string; disposal?: ResidualDisposal; recipient_id?: string | undefined },
  ): Promise<Refusable<{ user: ControlUserRow; disposal: { action: ResidualDisposal; amount: number; recipient_id: string } }>> {
    const action = options.disposal ?? 'returned_to_workspace';
    if (!RESIDUAL_DISPOSALS.includes(action))
      return refused(controlIssue('INVALID_USER', 'disposal', `must be one of ${RESIDUAL_DISPOSALS.join(', ')}`));
    if (!SNAKE.test(options.reason) || options.reason.length > 128)
      return refused(controlIssue('INVALID_USER', 'reason', `must match ${SNAKE_CASE_PATTERN}`));
    if (action === 'transferred' && !options.recipient_id)
      return refused(controlIssue('INVALID_USER', 'recipient_id', 'is required when the disposal is transferred'));
    const user = await this.requireActive(workspaceId, userId);
    if (!user.ok) return user;
    const disposed = await this.budgets.dispose({
      workspace_id: workspaceId,
      user_id: userId,
      action,
      recipient_id: options.recipient_id,
      idempotency_key: `user-offboard:${workspaceId}:${userId}:${user.value.onboarded_at}`,
    });
    if (!disposed.ok) return disposed;
    const at = this.clock.iso();
    await this.db
      .updateTable('control_users')
      .set({ status: 'offboarded', offboarded_at: at, offboarding_reason: options.reason })
      .where('workspace_id', '=', workspaceId)
      .where('user_id', '=', userId)
      .execute();
    const disposal = { action, amount: disposed.value.amount_ueau, recipient_id: disposed.value.recipient_id };
    await this.publishEvents(workspaceId, [
      userEvent(
        workspaceId,
        'venture.user.offboarded.v1',
        [userId, at],
        { user_id: userId, offboarding_reason: options.reason, residual_budget_disposal: disposal },
        at,
      ),
    ]);
    return accepted({ user: { ...user.value, status: 'offboarded', offboarded_at: at, offboarding_reason: options.reason }, disposal });
  }

  get(workspaceId: string, userId: string): Promise<ControlUserRow | undefined> {
    return this.db
      .selectFrom('control_users')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
  }

  async requireActive(workspaceId: string, userId: string): Promise<Refusable<ControlUserRow>> {
    const user = await this.get(workspaceId, userId);
    if (!user || user.status !== 'active')
      return refused(controlIssue('UNKNOWN_USER', 'user_id', `workspace ${workspaceId} has no active user ${userId}`));
    return accepted(user);
  }

  list(workspaceId: string, options: { include_offboarded?: boolean } = {}): Promise<ControlUserRow[]> {
    let q = this.db.selectFrom('control_users').selectAll().where('workspace_id', '=', workspaceId);
    if (!options.include_offboarded) q = q.where('status', '=', 'active');
    return q.orderBy('user_id').execute();
  }
}
