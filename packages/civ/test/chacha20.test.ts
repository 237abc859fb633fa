import { describe, expect, it } from 'vitest';
import { chachaBlock, streamFor } from '@kush/civ';

describe('ChaCha20 block function', () => {
  it('matches the RFC 8439 section 2.3.2 test vector', () => {
    const key = new Uint32Array(8);
    const keyBytes = Buffer.from('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', 'hex');
    for (let i = 0; i < 8; i++) key[i] = keyBytes.readUInt32LE(i * 4);
    const nonceBytes = Buffer.from('000000090000004a00000000', 'hex');
    const nonce = new Uint32Array([nonceBytes.readUInt32LE(0), nonceBytes.readUInt32LE(4), nonceBytes.readUInt32LE(8)]);
    const out = new Uint32Array(16);
    chachaBlock(key, 1, nonce, out);
    expect(Array.from(out, (w) => w.toString(16).padStart(8, '0'))).toEqual([
      'e4e7f110',
      '15593bd1',
      '1fdd0f50',
      'c47120a3',
      'c7f4d1c7',
      '0368c033',
      '9aaa2204',
      '4e6cd4c3',
      '466482d2',
      '09aa9f07',
      '05d7c214',
      'a2028bd9',
      'd19c12b5',
      'b94e16de',
      'e883d0cb',
      '4e3c50a2',
    ]);
  });

  it('gives independent, reproducible named sub-streams', () => {
    const a = streamFor(42, 'economy');
    const b = streamFor(42, 'economy');
    const c = streamFor(42, 'energy');
    const xs = Array.from({ length: 100 }, () => a.nextU32());
    expect(Array.from({ length: 100 }, () => b.nextU32())).toEqual(xs);
    expect(Array.from({ length: 100 }, () => c.nextU32())).not.toEqual(xs);
    expect(Array.from({ length: 100 }, () => streamFor(43, 'economy').nextU32())).not.toEqual(xs);
  });

  it('restores a saved position', () => {
    const a = streamFor(7, 'x');
    for (let i = 0; i < 37; i++) a.nextU32();
    const b = streamFor(7, 'x', a.position());
    expect(Array.from({ length: 200 }, () => b.nextU32())).toEqual(Array.from({ length: 200 }, () => a.nextU32()));
  });

  it('draws below a bound without leaving it', () => {
    const s = streamFor(1, 'bound');
    for (let i = 0; i < 10000; i++) expect(s.below(7)).toBeLessThan(7);
  });
});
