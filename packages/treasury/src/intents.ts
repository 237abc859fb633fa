// Money intents (taxonomy 2.3): default deny. A spend goes through only against an approved,
// unexpired intent with enough cap left and within its velocity limit; every decision carries one
// of the reason codes approved, rejected_budget, rejected_policy, revoked, expired.
import { SCOPE_TYPES, type ReasonCode } from '@kush/contracts';
import type { Db } from './accounts.js';
import { postTransactions, type PostedTransaction } from './ledger.js';
import { refuse } from './treasury-error.js';

/** Length of a velocity window, ms, by window name. */
export const WINDOW_MS: Readonly<Record<string, number>> = {
  per_run: Number.MAX_SAFE_INTEGER,
  hourly: 3_600_000,
  daily: 86_400_000,
  weekly: 604_800_000,
  monthly: 2_592_000_000,
};

export interface IntentInput {
  readonly intent_id: string;
  readonly workflow_id: string;
  readonly scope_type: string;
  readonly scope_id: string;
  readonly cap_amount: number;
  readonly window: string;
  readonly ttl_ms: number;
  readonly velocity_limit?: number;
}

export interface Decision {
  readonly intent_id: string;
  readonly workflow_id: string;
  readonly decision: 'approved' | 'rejected';
  readonly reason_code: ReasonCode;
}

export async function createIntent(db: Db, workspace: string, input: IntentInput, nowMs: number): Promise<Record<string, unknown>> {
  if (!(SCOPE_TYPES as readonly string[]).includes(input.scope_type))
    throw refuse('scope_type', 'enum', `must be one of ${SCOPE_TYPES.join(', ')}`);
  if (!Number.isSafeInteger(input.cap_amount) || input.cap_amount <= 0)
    throw refuse('cap_amount', 'integer', 'must be a positive integer of uEAU');
  if (!Number.isSafeInteger(input.ttl_ms) || input.ttl_ms <= 0)
    throw refuse('ttl_ms', 'integer', 'must be a positive integer of milliseconds');
  if (!(input.window in WINDOW_MS)) throw refuse('window', 'enum', `must be one of ${Object.keys(WINDOW_MS).join(', ')}`);
  await db
    .insertInto('treasury_intents')
    .values({
      workspace_id: workspace,
      intent_id: input.intent_id,
      workflow_id: input.workflow_id,
      scope_type: input.scope_type,
      scope_id: input.scope_id,
      cap_amount: input.cap_amount,
      spent_amount: 0,
      budget_window: input.window,
      ttl_ms: input.ttl_ms,
      created_at_ms: nowMs,
      status: 'pending',
      velocity_limit: input.velocity_limit ?? 0,
      spends_in_window: 0,
      window_started_ms: nowMs,
    })
    .onConflict((oc) => oc.columns(['workspace_id', 'intent_id']).doNothing())
    .execute();
  return {
    intent_id: input.intent_id,
    workflow_id: input.workflow_id,
    scope_type: input.scope_type,
    scope_id: input.scope_id,
    cap_amount: input.cap_amount,
    window: input.window,
    ttl_ms: input.ttl_ms,
  };
}

async function intentRow(db: Db, workspace: string, intentId: string) {
  return db
    .selectFrom('treasury_intents')
    .selectAll()
    .where('workspace_id', '=', workspace)
    .where('intent_id', '=', intentId)
    .executeTakeFirst();
}

export async function setIntentStatus(db: Db, workspace: string, intentId: string, status: 'approved' | 'revoked'): Promise<Decision> {
  const row = await intentRow(db, workspace, intentId);
  if (!row) throw refuse('intent_id', 'unknown_intent', `${intentId} is not an intent of workspace ${workspace}`);
  if (row.status === 'revoked') throw refuse('intent_id', 'revoked', `${intentId} was revoked; create a new intent`);
  await db
    .updateTable('treasury_intents')
    .set({ status })
    .where('workspace_id', '=', workspace)
    .where('intent_id', '=', intentId)
    .execute();
  return {
    intent_id: intentId,
    workflow_id: row.workflow_id,
    decision: status === 'approved' ? 'approved' : 'rejected',
    reason_code: status === 'approved' ? 'approved' : 'revoked',
  };
}

/** Decides a spend against an intent; nothing is written when it is refused. */
export async function authorizeSpend(
  db: Db,
  workspace: string,
  intentId: string | undefined,
  amount: number,
  nowMs: number,
): Promise<Decision> {
  const row = intentId ? await intentRow(db, workspace, intentId) : undefined;
  const workflow = row?.workflow_id ?? '00000000-0000-4000-8000-000000000000';
  const deny = (reason_code: ReasonCode): Decision => ({
    intent_id: intentId ?? '00000000-0000-4000-8000-000000000000',
    workflow_id: workflow,
    decision: 'rejected',
    reason_code,
  });
  if (!row) return deny('rejected_policy'); // default deny: no intent, no spend
  if (row.status === 'revoked') return deny('revoked');
  if (row.status !== 'approved') return deny('rejected_policy');
  if (nowMs > Number(row.created_at_ms) + Number(row.ttl_ms)) return deny('expired');
  if (Number(row.spent_amount) + amount > Number(row.cap_amount)) return deny('rejected_budget');
  const windowMs = WINDOW_MS[row.budget_window] ?? Number.MAX_SAFE_INTEGER;
  const inWindow = nowMs - Number(row.window_started_ms) < windowMs;
  const spends = inWindow ? row.spends_in_window : 0;
  if (row.velocity_limit > 0 && spends >= row.velocity_limit) return deny('rejected_policy');
  return { intent_id: row.intent_id, workflow_id: workflow, decision: 'approved', reason_code: 'approved' };
}

export interface SpendInput {
  readonly intent_id?: string;
  readonly amount: number;
  readonly from_account: string;
  readonly to_account: string;
  readonly idempotency_key: string;
  readonly reference_id: string;
  readonly policy_bundle_id: string;
  readonly created_at: string;
}

/** Authorizes and posts a spend in one transaction; a refusal throws naming the reason. */
export async function spend(
  db: Db,
  workspace: string,
  input: SpendInput,
  nowMs: number,
): Promise<{ decision: Decision; posted: PostedTransaction }> {
  const decision = await authorizeSpend(db, workspace, input.intent_id, input.amount, nowMs);
  if (decision.decision !== 'approved')
    throw refuse(
      'intent_id',
      decision.reason_code,
      `spend of ${input.amount} refused: ${decision.reason_code}${input.intent_id ? '' : ' (no intent given: spends are denied by default)'}`,
    );
  const [posted] = await postTransactions(db, workspace, [
    {
      idempotency_key: input.idempotency_key,
      entries: [
        { account_id: input.from_account, amount: -input.amount },
        { account_id: input.to_account, amount: input.amount },
      ],
      reference_id: input.reference_id,
      policy_bundle_id: input.policy_bundle_id,
      created_at: input.created_at,
    },
  ]);
  if (!posted!.duplicate) {
    const row = (await intentRow(db, workspace, input.intent_id!))!;
    const windowMs = WINDOW_MS[row.budget_window] ?? Number.MAX_SAFE_INTEGER;
    const fresh = nowMs - Number(row.window_started_ms) >= windowMs;
    await db
      .updateTable('treasury_intents')
      .set({
        spent_amount: Number(row.spent_amount) + input.amount,
        spends_in_window: fresh ? 1 : row.spends_in_window + 1,
        window_started_ms: fresh ? nowMs : Number(row.window_started_ms),
      })
      .where('workspace_id', '=', workspace)
      .where('intent_id', '=', input.intent_id!)
      .execute();
  }
  return { decision, posted: posted! };
}

export async function listIntents(db: Db, workspace: string) {
  return db
    .selectFrom('treasury_intents')
    .selectAll()
    .where('workspace_id', '=', workspace)
    .orderBy('created_at_ms')
    .orderBy('intent_id')
    .execute();
}
