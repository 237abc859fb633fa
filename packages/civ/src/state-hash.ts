// SHA-256 over the canonical byte layout of the state: one digest per array (its name, length and
// bytes), combined in a fixed order. A phase marks the arrays it wrote; the others keep their
// cached digest, so a tick hashes what changed, not the whole world, after every phase.
import { createHash } from 'node:crypto';
import { stateArrays, type World } from './world.js';

export class StateHasher {
  readonly #digests = new Map<string, Buffer>();
  readonly #arrays: Array<[string, ArrayBufferView]>;

  constructor(world: World) {
    this.#arrays = stateArrays(world);
  }

  /** Forgets cached digests of the named arrays (all when omitted). */
  invalidate(names?: readonly string[]): void {
    if (!names) this.#digests.clear();
    else for (const n of names) this.#digests.delete(n);
  }

  hash(): string {
    const outer = createHash('sha256');
    for (const [name, view] of this.#arrays) {
      let digest = this.#digests.get(name);
      if (!digest) {
        digest = createHash('sha256')
          .update(`${name}:${view.byteLength}:`)
          .update(new Uint8Array(view.buffer, view.byteOffset, view.byteLength))
          .digest();
        this.#digests.set(name, digest);
      }
      outer.update(digest);
    }
    return outer.digest('hex');
  }
}

/** The full hash with no cache: what a snapshot loaded from disk must reproduce. */
export function hashWorld(world: World): string {
  return new StateHasher(world).hash();
}
