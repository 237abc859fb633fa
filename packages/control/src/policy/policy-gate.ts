// Evaluates a tool call under the policy bundle its workflow is pinned to. Bundles are immutable
// once published, so a compiled bundle is cached by (workspace, bundle id) for the process's life.
import type { Refusable } from '../control-error.js';
import type { CompiledBundle } from './policy-bundle.js';

/** Where published bundles come from (the policy store, or memory in tests). */
export interface PolicyBundleSource {
  load(workspaceId: string, bundleId: string): Promise<Refusable<CompiledBundle>>;
}

/** Bundles kept compiled; one bundle per (workspace, id), never evicted below this many. */
export const BUNDLE_CACHE_ENTRIES_MAX = 1_024;

export class PolicyGate {
  readonly #cache = new Map<string, CompiledBundle>();

  constructor(private readonly source: PolicyBundleSource) {}

  async bundle(workspaceId: string, bundleId: string): Promise<Refusable<CompiledBundle>> {
    const key = `${workspaceId}\u001f${bundleId}`;
    const hit = this.#cache.get(key);
    if (hit) return { ok: true, value: hit };
    const loaded = await this.source.load(workspaceId, bundleId);
    if (loaded.ok) {
      if (this.#cache.size >= BUNDLE_CACHE_ENTRIES_MAX) this.#cache.delete(this.#cache.keys().next().value!);
      this.#cache.set(key, loaded.value);
    }
    return loaded;
  }
}
