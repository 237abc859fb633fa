// ChaCha20 (RFC 8439) as the simulation's random source: a keystream block function over a
// 256-bit key and 96-bit nonce, read as 32-bit words. Named sub-streams take their nonce from the
// stream name, so draws in one subsystem never shift another's sequence (DESIGN.md section 4).
import { createHash } from 'node:crypto';

const SIGMA = [0x61707865, 0x3320646e, 0x79622d32, 0x6b206574];

function rotl(v: number, c: number): number {
  return ((v << c) | (v >>> (32 - c))) >>> 0;
}

function quarter(x: Uint32Array, a: number, b: number, c: number, d: number): void {
  x[a] = (x[a]! + x[b]!) >>> 0;
  x[d] = rotl(x[d]! ^ x[a]!, 16);
  x[c] = (x[c]! + x[d]!) >>> 0;
  x[b] = rotl(x[b]! ^ x[c]!, 12);
  x[a] = (x[a]! + x[b]!) >>> 0;
  x[d] = rotl(x[d]! ^ x[a]!, 8);
  x[c] = (x[c]! + x[d]!) >>> 0;
  x[b] = rotl(x[b]! ^ x[c]!, 7);
}

/** The RFC 8439 section 2.3 block function: 16 output words for (key, counter, nonce). */
export function chachaBlock(key: Uint32Array, counter: number, nonce: Uint32Array, out: Uint32Array, work = new Uint32Array(16)): void {
  const state = work;
  state[0] = SIGMA[0]!;
  state[1] = SIGMA[1]!;
  state[2] = SIGMA[2]!;
  state[3] = SIGMA[3]!;
  for (let i = 0; i < 8; i++) state[4 + i] = key[i]!;
  state[12] = counter >>> 0;
  state[13] = nonce[0]!;
  state[14] = nonce[1]!;
  state[15] = nonce[2]!;
  out.set(state);
  for (let i = 0; i < 10; i++) {
    quarter(out, 0, 4, 8, 12);
    quarter(out, 1, 5, 9, 13);
    quarter(out, 2, 6, 10, 14);
    quarter(out, 3, 7, 11, 15);
    quarter(out, 0, 5, 10, 15);
    quarter(out, 1, 6, 11, 12);
    quarter(out, 2, 7, 8, 13);
    quarter(out, 3, 4, 9, 14);
  }
  for (let i = 0; i < 16; i++) out[i] = (out[i]! + state[i]!) >>> 0;
}

/** Blocks generated at once; a stream refills 64 words at a time. */
const BLOCKS_PER_REFILL = 4;

export class ChaChaStream {
  readonly #key: Uint32Array;
  readonly #nonce: Uint32Array;
  readonly #buffer = new Uint32Array(16 * BLOCKS_PER_REFILL);
  readonly #block = new Uint32Array(16);
  readonly #work = new Uint32Array(16);
  #counter = 0;
  #position = this.#buffer.length;

  constructor(key: Uint32Array, nonce: Uint32Array, counter = 0, position?: number) {
    this.#key = key;
    this.#nonce = nonce;
    if (position !== undefined) {
      // Restores a saved stream: regenerate the current buffer, then skip to the position.
      this.#counter = counter - BLOCKS_PER_REFILL;
      this.#refill();
      this.#position = position;
    } else this.#counter = counter;
  }

  #refill(): void {
    for (let b = 0; b < BLOCKS_PER_REFILL; b++) {
      chachaBlock(this.#key, this.#counter++, this.#nonce, this.#block, this.#work);
      this.#buffer.set(this.#block, b * 16);
    }
    this.#position = 0;
  }

  /** A uniform 32-bit unsigned integer. */
  nextU32(): number {
    if (this.#position >= this.#buffer.length) this.#refill();
    return this.#buffer[this.#position++]!;
  }

  /** A uniform integer in [0, bound), bound <= 2^32, without modulo bias. */
  below(bound: number): number {
    if (bound <= 1) return 0;
    const limit = 0x100000000 - (0x100000000 % bound);
    for (;;) {
      const v = this.nextU32();
      if (v < limit) return v % bound;
    }
  }

  /** True with probability permille / 1000 (probabilities are fixed-point integers). */
  chance(permille: number): boolean {
    return this.below(1000) < permille;
  }

  /** Where the stream stands, for snapshots. */
  position(): { counter: number; position: number } {
    return { counter: this.#counter, position: this.#position };
  }
}

function words(bytes: Buffer, count: number): Uint32Array {
  const out = new Uint32Array(count);
  for (let i = 0; i < count; i++) out[i] = bytes.readUInt32LE(i * 4);
  return out;
}

/** The run's key from its seed; a sub-stream's nonce from its name. */
export function streamFor(seed: number, name: string, saved?: { counter: number; position: number }): ChaChaStream {
  const key = words(createHash('sha256').update(`kush.civ.seed:${seed}`).digest(), 8);
  const nonce = words(createHash('sha256').update(`kush.civ.stream:${name}`).digest(), 3);
  return saved ? new ChaChaStream(key, nonce, saved.counter, saved.position) : new ChaChaStream(key, nonce);
}
