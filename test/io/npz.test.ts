import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import { AdjointError, Tensor, tensor } from '../../src/index.js';
import { readNpz, writeNpz, NODE_ZLIB_CODEC } from '../../src/io/npz.js';
import { writeNpy } from '../../src/io/npy-format.js';
import { crc32, readZip, writeZip } from '../../src/io/zip.js';

const DIR = join(import.meta.dirname, '..', 'fixtures', 'npy');
const FIX = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8')) as {
  npz: Record<string, Record<string, { dtype: string; shape: number[]; hex: string }>>;
};
const hexOf = (t: Tensor): string => {
  const d = t.data;
  return Buffer.from(d.buffer, d.byteOffset, d.byteLength).toString('hex');
};
const enc = new TextEncoder();

test('crc32 matches the standard check value and zlib', () => {
  assert.equal(crc32(enc.encode('123456789')), 0xcbf43926);
  assert.equal(crc32(new Uint8Array(0)), 0);
  // Chained computation equals one pass.
  const a = enc.encode('hello '), b = enc.encode('world');
  assert.equal(crc32(b, crc32(a)), crc32(enc.encode('hello world')));
});

test('NumPy npz fixtures (savez, savez_compressed, positional names) read bit-exactly', () => {
  for (const [file, members] of Object.entries(FIX.npz)) {
    const got = readNpz(readFileSync(join(DIR, file)), { source: file });
    assert.deepEqual(Object.keys(got).sort(), Object.keys(members).sort(), file);
    for (const [k, want] of Object.entries(members)) {
      const t = got[k]!;
      assert.equal(t.dtype, want.dtype, `${file}:${k}`);
      assert.deepEqual(t.shape, want.shape, `${file}:${k}`);
      assert.equal(hexOf(t), want.hex, `${file}:${k}`);
    }
  }
});

const sample = (): Record<string, Tensor> => ({
  x: tensor([[1, 2], [3, 4]], { dtype: 'float64' }),
  z: tensor([[1, -1], [0, 2.5]], { dtype: 'complex64' }),
  mask: tensor([true, false, true], { dtype: 'bool' }),
  'név ü': tensor([7, 8], { dtype: 'int32' }),
});

test('writeNpz/readNpz round-trip: stored, compressed and forced ZIP64', () => {
  for (const opts of [{}, { compressed: true }, { forceZip64: true }, { compressed: true, forceZip64: true }]) {
    const src = sample();
    const got = readNpz(writeNpz(src, opts));
    assert.deepEqual(Object.keys(got), Object.keys(src), JSON.stringify(opts));
    for (const k of Object.keys(src)) {
      assert.equal(got[k]!.dtype, src[k]!.dtype);
      assert.equal(hexOf(got[k]!), hexOf(src[k]!), `${JSON.stringify(opts)} ${k}`);
    }
  }
  assert.ok(writeNpz({ z: tensor(new Float64Array(5000)) }, { compressed: true }).length < 1000);
  // A member named '__proto__.npy' becomes an ordinary key of the prototype-less record.
  const weird = readNpz(writeZip([{ name: '__proto__.npy', data: writeNpy(tensor([5], { dtype: 'int32' })) }]));
  assert.deepEqual(Object.keys(weird), ['__proto__']);
  assert.deepEqual(weird['__proto__']!.toArray(), [5]);
});

test('writeNpz output is deterministic and validated', () => {
  assert.deepEqual(writeNpz(sample()), writeNpz(sample()));
  assert.throws(() => writeNpz({ a: 3 as unknown as Tensor }), (e: unknown) => e instanceof AdjointError && /key 'a'/.test(e.message));
  assert.throws(() => writeNpz({ '': tensor([1]) }), (e: unknown) => e instanceof AdjointError && /empty key/.test(e.message));
  const d = new Uint8Array(1);
  assert.throws(() => writeZip([{ name: 'a', data: d }, { name: 'a', data: d }]), (e: unknown) => e instanceof AdjointError && /twice/.test(e.message));
  assert.throws(() => writeZip([{ name: 'a', data: d }], { compressed: true }), (e: unknown) => e instanceof AdjointError && /deflate/.test(e.message));
});

/** A stored zip holding one entry, with offsets we can corrupt. */
function oneEntry(compressed = false): Uint8Array {
  return writeZip([{ name: 'a.npy', data: enc.encode('some bytes that are long enough to deflate deflate deflate') }], { compressed, codec: NODE_ZLIB_CODEC });
}

test('zip reader rejects bad CRCs, out-of-file entries, truncation and garbage', () => {
  const z = oneEntry();
  const dataStart = 30 + 'a.npy'.length;
  const expectErr = (bytes: Uint8Array, re: RegExp, what: string) =>
    assert.throws(() => readZip(bytes, { codec: NODE_ZLIB_CODEC, source: 'x.npz' }), (e: unknown) => {
      assert.ok(e instanceof AdjointError, `${what}: ${String(e)}`);
      assert.match(e.message, re, what);
      assert.match(e.message, /'x\.npz'/, what);
      return true;
    });

  const flipped = z.slice();
  flipped[dataStart + 3]! ^= 1;
  expectErr(flipped, /CRC-32/, 'flipped data bit');

  const cz = oneEntry(true);
  const cflip = cz.slice();
  cflip[dataStart + 2]! ^= 0x10;
  assert.throws(() => readZip(cflip, { codec: NODE_ZLIB_CODEC }), (e: unknown) => e instanceof AdjointError && /CRC-32|deflate|inflates to/.test(e.message));

  const cdStart = new DataView(z.buffer).getUint32(z.length - 6, true);
  const farOffset = z.slice();
  new DataView(farOffset.buffer).setUint32(cdStart + 42, 1_000_000, true);
  expectErr(farOffset, /missing local header/, 'local header offset outside the file');

  const bigSize = z.slice();
  new DataView(bigSize.buffer).setUint32(cdStart + 20, 1_000_000, true);
  new DataView(bigSize.buffer).setUint32(cdStart + 24, 1_000_000, true);
  expectErr(bigSize, /outside the file data/, 'size past the end');

  const badCd = z.slice();
  new DataView(badCd.buffer).setUint32(z.length - 6, 1_000_000, true);
  expectErr(badCd, /central directory lies outside/, 'central directory offset');

  expectErr(z.subarray(0, z.length - 1), /end-of-central-directory/, 'truncated');
  expectErr(new Uint8Array(100), /end-of-central-directory/, 'zeros');
  expectErr(new Uint8Array(0), /end-of-central-directory/, 'empty');

  const method = z.slice();
  new DataView(method.buffer).setUint16(cdStart + 10, 12, true);
  expectErr(method, /compression method 12/, 'bzip2');

  // Stored entries must say compressed size == size.
  const stored = z.slice();
  new DataView(stored.buffer).setUint32(cdStart + 24, 3, true);
  expectErr(stored, /stored entry/, 'stored size mismatch');
});

test('a deflated entry claiming a smaller size than it inflates to is refused (bounded output)', () => {
  const payload = new Uint8Array(100000);
  const z = writeZip([{ name: 'a.npy', data: payload }], { compressed: true, codec: NODE_ZLIB_CODEC });
  const cdStart = new DataView(z.buffer).getUint32(z.length - 6, true);
  new DataView(z.buffer).setUint32(cdStart + 24, 10, true);
  assert.throws(() => readZip(z, { codec: NODE_ZLIB_CODEC }), (e: unknown) => e instanceof AdjointError && /deflate/.test(e.message));
  // And the deflate stream we write is plain raw deflate.
  const z2 = writeZip([{ name: 'b', data: enc.encode('abc') }], { compressed: true, codec: NODE_ZLIB_CODEC });
  assert.deepEqual(Buffer.from(z2.subarray(31, 31 + deflateRawSync(enc.encode('abc')).length)), deflateRawSync(enc.encode('abc')));
});

test('npz member errors name the archive and member', () => {
  const z = writeZip([{ name: 'bad.npy', data: enc.encode('this is not numpy data') }]);
  assert.throws(() => readNpz(z, { source: 'f.npz' }), (e: unknown) => e instanceof AdjointError && e.message.includes("'f.npz/bad.npy'") && /bad magic/.test(e.message));
  // Non-.npy members are not arrays and are skipped.
  const z2 = writeZip([{ name: 'readme.txt', data: enc.encode('hi') }, { name: 'a.npy', data: writeNpy(tensor([1.5])) }]);
  assert.deepEqual(Object.keys(readNpz(z2)), ['a']);
  // Duplicate member names are refused rather than one silently winning.
  const one = writeZip([{ name: 'a.npy', data: writeNpy(tensor([1])) }, { name: 'b.npy', data: writeNpy(tensor([2])) }]);
  const dup = one.slice();
  const at = Buffer.from(dup).lastIndexOf('b.npy');
  dup[at] = 'a'.charCodeAt(0);
  assert.throws(() => readNpz(dup), (e: unknown) => e instanceof AdjointError && /twice/.test(e.message));
});

const seeds = [writeNpz(sample()), writeNpz(sample(), { compressed: true }), readFileSync(join(DIR, 'stored.npz')), readFileSync(join(DIR, 'compressed.npz'))];

test('fuzz: mutated and truncated npz archives give tensors or an AdjointError, nothing else', () => {
  fc.assert(
    fc.property(
      fc.nat(seeds.length - 1),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
      fc.option(fc.nat(), { nil: undefined }),
      fc.boolean(),
      (which, edits, cut, fromEnd) => {
        const src = seeds[which]!;
        const b = new Uint8Array(cut === undefined ? src : fromEnd ? src.subarray(cut % (src.length + 1)) : src.subarray(0, cut % (src.length + 1)));
        for (const [pos, v] of edits) if (b.length > 0) b[pos % b.length] = v;
        try {
          const r = readNpz(b);
          for (const t of Object.values(r)) assert.ok(t instanceof Tensor);
        } catch (e) {
          if (!(e instanceof AdjointError)) throw e;
        }
      },
    ),
    { numRuns: 2000 },
  );
});

test('crc32 (slicing-by-8) equals a bytewise reference on random lengths and offsets', () => {
  const table = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const naive = (d: Uint8Array): number => {
    let c = 0xffffffff;
    for (const b of d) c = table[(c ^ b) & 0xff]! ^ (c >>> 8);
    return ~c >>> 0;
  };
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 100 }), fc.nat(7), (d, off) => {
      const sub = d.subarray(Math.min(off, d.length));
      assert.equal(crc32(sub), naive(sub));
    }),
    { numRuns: 300 },
  );
});
