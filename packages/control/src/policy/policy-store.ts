// Published policy bundles, per workspace. Publishing the same content twice is one version;
// changed content is the next version. The active bundle of a name is its highest version not
// revoked; a rollback revokes versions above the one restored. Bundles are never edited.
import { canonicalJson, POLICY_BUNDLE_ID_PATTERN, type EventEnvelopeV1 } from '@kush/contracts';
import type { Clock } from '@kush/runtime';
import type { Kysely } from 'kysely';
import { accepted, controlIssue, refused, type Refusable } from '../control-error.js';
import type { ControlPolicyBundleRow, ControlTables } from '../store/control-tables.js';
import { CompiledBundle, DEFAULT_BUNDLE_CONTENT, type PolicyDecision, type SupportingFact } from './policy-bundle.js';
import { bundlePublished, decisionEvents, rollbackInitiated, workspacePlace } from './policy-events.js';
import type { PolicyBundleSource } from './policy-gate.js';
import type { PolicyContext } from './rule-language.js';

export interface PublishedBundle {
  readonly bundle_id: string;
  readonly name: string;
  readonly version: number;
  readonly content_hash: string;
  /** False when the same content was already the active version. */
  readonly created: boolean;
}

export interface PolicyDecisionRecord {
  readonly bundle_id: string;
  readonly decision: PolicyDecision;
  readonly supporting_facts: readonly SupportingFact[];
  readonly events: readonly EventEnvelopeV1[];
}

export interface RollbackRecord {
  readonly revoked: readonly string[];
  readonly restored: string;
  readonly affected_workflows: readonly string[];
  readonly events: readonly EventEnvelopeV1[];
}

type Publish = (workspaceId: string, events: readonly EventEnvelopeV1[]) => Promise<void>;
const BUNDLE_REF = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}(@[0-9]{1,9})?$/;
const BUNDLE_ID = new RegExp(POLICY_BUNDLE_ID_PATTERN);

export class PolicyStore implements PolicyBundleSource {
  constructor(
    private readonly db: Kysely<ControlTables>,
    private readonly clock: Clock,
    private readonly publishEvents: Publish,
  ) {}

  async publish(workspaceId: string, content: unknown): Promise<Refusable<PublishedBundle>> {
    const compiled = CompiledBundle.compile(content);
    if (!compiled.ok) return compiled;
    const bundle = compiled.value;
    const active = await this.activeRow(workspaceId, bundle.name);
    if (active?.content_hash === bundle.content_hash) {
      return accepted({
        bundle_id: active.bundle_id,
        name: active.name,
        version: active.version,
        content_hash: active.content_hash,
        created: false,
      });
    }
    const last = await this.db
      .selectFrom('control_policy_bundles')
      .select((eb) => eb.fn.max('version').as('version'))
      .where('workspace_id', '=', workspaceId)
      .where('name', '=', bundle.name)
      .executeTakeFirst();
    const version = Number(last?.version ?? 0) + 1;
    const bundle_id = `${bundle.name}@${version}`;
    const at = this.clock.iso();
    await this.db
      .insertInto('control_policy_bundles')
      .values({
        workspace_id: workspaceId,
        bundle_id,
        name: bundle.name,
        version,
        content_hash: bundle.content_hash,
        content: canonicalJson(bundle.content),
        status: 'published',
        published_at: at,
        revoked_at: null,
      })
      .execute();
    await this.publishEvents(workspaceId, [
      bundlePublished(workspacePlace(workspaceId, bundle_id, at), {
        bundle_id,
        version,
        content_hash: bundle.content_hash,
        content: bundle.content as unknown as Record<string, unknown>,
        effective_at: at,
      }),
    ]);
    return accepted({ bundle_id, name: bundle.name, version, content_hash: bundle.content_hash, created: true });
  }

  /** Publishes the default bundle if the workspace has none of that name. */
  async ensureDefault(workspaceId: string): Promise<PublishedBundle> {
    const existing = await this.activeRow(workspaceId, DEFAULT_BUNDLE_CONTENT.name);
    if (existing) return { ...existing, created: false };
    const published = await this.publish(workspaceId, DEFAULT_BUNDLE_CONTENT);
    if (!published.ok) throw new Error(published.issues[0]!.message);
    return published.value;
  }

  activeRow(workspaceId: string, name: string): Promise<ControlPolicyBundleRow | undefined> {
    return this.db
      .selectFrom('control_policy_bundles')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('name', '=', name)
      .where('status', '=', 'published')
      .orderBy('version', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  /** `name` resolves to its active version; `name@version` must exist and not be revoked. */
  async resolve(workspaceId: string, ref: string): Promise<Refusable<ControlPolicyBundleRow>> {
    if (!BUNDLE_REF.test(ref))
      return refused(
        controlIssue('INVALID_BUNDLE_REF', 'policy_bundle', `must be <name> or <name>@<version> (got ${JSON.stringify(ref)})`),
      );
    if (!ref.includes('@')) {
      const row = await this.activeRow(workspaceId, ref);
      return row
        ? accepted(row)
        : refused(controlIssue('UNKNOWN_POLICY_BUNDLE', 'policy_bundle', `workspace ${workspaceId} has no active bundle named ${ref}`));
    }
    const row = await this.row(workspaceId, ref);
    if (!row) return refused(controlIssue('UNKNOWN_POLICY_BUNDLE', 'policy_bundle', `workspace ${workspaceId} has no bundle ${ref}`));
    if (row.status === 'revoked')
      return refused(controlIssue('REVOKED_POLICY_BUNDLE', 'policy_bundle', `${ref} was revoked in a rollback`));
    return accepted(row);
  }

  row(workspaceId: string, bundleId: string): Promise<ControlPolicyBundleRow | undefined> {
    return this.db
      .selectFrom('control_policy_bundles')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('bundle_id', '=', bundleId)
      .executeTakeFirst();
  }

  async list(workspaceId: string, name?: string): Promise<ControlPolicyBundleRow[]> {
    let q = this.db.selectFrom('control_policy_bundles').selectAll().where('workspace_id', '=', workspaceId);
    if (name) q = q.where('name', '=', name);
    return q.orderBy('name').orderBy('version').execute();
  }

  /** A published bundle by id (revoked ones too: workflows pinned to them still evaluate under them). */
  async load(workspaceId: string, bundleId: string): Promise<Refusable<CompiledBundle>> {
    if (!BUNDLE_ID.test(bundleId))
      return refused(controlIssue('INVALID_BUNDLE_REF', 'policy_bundle_id', `must match ${POLICY_BUNDLE_ID_PATTERN}`));
    const row = await this.row(workspaceId, bundleId);
    if (!row)
      return refused(controlIssue('UNKNOWN_POLICY_BUNDLE', 'policy_bundle_id', `workspace ${workspaceId} has no bundle ${bundleId}`));
    const compiled = CompiledBundle.compile(JSON.parse(row.content));
    if (compiled.ok && compiled.value.content_hash !== row.content_hash) {
      return refused(
        controlIssue(
          'POLICY_BUNDLE_TAMPERED',
          `policy bundle ${bundleId}`,
          `content hash ${compiled.value.content_hash} differs from the published ${row.content_hash}`,
        ),
      );
    }
    return compiled;
  }

  /** Evaluates a context under a bundle and publishes evaluation_started and decision_made. */
  async evaluate(workspaceId: string, ref: string, context: PolicyContext): Promise<Refusable<PolicyDecisionRecord>> {
    const row = await this.resolve(workspaceId, ref);
    if (!row.ok) return row;
    const bundle = await this.load(workspaceId, row.value.bundle_id);
    if (!bundle.ok) return bundle;
    const evaluation = bundle.value.evaluate(context);
    const facts = bundle.value.facts(evaluation, context);
    const at = this.clock.iso();
    const events = decisionEvents(
      workspacePlace(workspaceId, row.value.bundle_id, at),
      workspacePlace(workspaceId, row.value.bundle_id, at).workflow_id,
      {
        evaluation_key: `${workspaceId}:${row.value.bundle_id}:${canonicalJson(context)}:${at}`,
        bundle_id: row.value.bundle_id,
        context: context as Record<string, unknown>,
        decision: evaluation.decision,
        facts,
      },
    );
    await this.publishEvents(workspaceId, events);
    return accepted({ bundle_id: row.value.bundle_id, decision: evaluation.decision, supporting_facts: facts, events });
  }

  /**
   * Revokes the active version of `name` (or every version above `toVersion`) and restores the
   * version below; `runningWorkflows` lists workflows pinned to a revoked version.
   */
  async rollback(
    workspaceId: string,
    name: string,
    options: { toVersion?: number | undefined; runningWorkflows: (bundleIds: readonly string[]) => Promise<string[]> },
  ): Promise<Refusable<RollbackRecord>> {
    const published = (await this.list(workspaceId, name)).filter((r) => r.status === 'published');
    const active = published.at(-1);
    if (!active)
      return refused(controlIssue('UNKNOWN_POLICY_BUNDLE', 'name', `workspace ${workspaceId} has no active bundle named ${name}`));
    const target = options.toVersion === undefined ? published.at(-2) : published.find((r) => r.version === options.toVersion);
    if (!target) {
      const why =
        options.toVersion === undefined
          ? `${active.bundle_id} is the only published version; nothing to roll back to`
          : `version ${options.toVersion} is not a published version of ${name}`;
      return refused(controlIssue('NOTHING_TO_ROLL_BACK', options.toVersion === undefined ? 'name' : 'to', why));
    }
    if (target.version >= active.version)
      return refused(controlIssue('NOTHING_TO_ROLL_BACK', 'to', `version ${target.version} is already the active version`));
    const revoked = published.filter((r) => r.version > target.version).map((r) => r.bundle_id);
    const at = this.clock.iso();
    await this.db
      .updateTable('control_policy_bundles')
      .set({ status: 'revoked', revoked_at: at })
      .where('workspace_id', '=', workspaceId)
      .where('bundle_id', 'in', revoked)
      .execute();
    const affected = await options.runningWorkflows(revoked);
    const events = [
      rollbackInitiated(workspacePlace(workspaceId, target.bundle_id, at), {
        rollback_key: `${workspaceId}:${active.bundle_id}:${target.bundle_id}:${at}`,
        bundle_id_being_revoked: active.bundle_id,
        new_bundle_id: target.bundle_id,
        affected_workflows: affected,
      }),
    ];
    await this.publishEvents(workspaceId, events);
    return accepted({ revoked, restored: target.bundle_id, affected_workflows: affected, events });
  }
}
