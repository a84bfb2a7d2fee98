import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { AdjointError, Tensor, tensor } from '../../src/index.js';
import { readNpy, writeNpy } from '../../src/io/npy-format.js';
import { allocStorage, DTYPES, type DType } from '../../src/tensor/dtype.js';

const DIR = join(import.meta.dirname, '..', 'fixtures', 'npy');
interface Expected {
  dtype: DType;
  shape: number[];
  hex: string;
}
const FIX = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8')) as {
  npy: Record<string, Expected>;
  errors: Record<string, string>;
};
const fixture = (name: string): Uint8Array => readFileSync(join(DIR, name));

/** Hex of the C-order little-endian bytes of a tensor (this machine is little-endian). */
function hexOf(t: Tensor): string {
  const d = t.data;
  return Buffer.from(d.buffer, d.byteOffset, d.byteLength).toString('hex');
}

/** Builds a .npy file by hand with an arbitrary header text and data. */
function npyWith(header: string, data: Uint8Array = new Uint8Array(0), version = 1): Uint8Array {
  const h = new TextEncoder().encode(header + '\n');
  const pre = version === 1 ? 10 : 12;
  const out = new Uint8Array(pre + h.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const dv = new DataView(out.buffer);
  if (version === 1) dv.setUint16(8, h.length, true);
  else dv.setUint32(8, h.length, true);
  out.set(h, pre);
  out.set(data, pre + h.length);
  return out;
}

const isAdjointError = (re?: RegExp) => (e: unknown) => e instanceof AdjointError && (re === undefined || re.test(e.message));

test('every NumPy fixture reads bit-exactly (dtypes, Fortran order, big-endian, 0-d, empty, v2/v3 headers)', () => {
  const names = Object.keys(FIX.npy);
  assert.ok(names.length >= 20);
  for (const name of names) {
    const want = FIX.npy[name]!;
    const t = readNpy(fixture(name), { source: name });
    assert.equal(t.dtype, want.dtype, name);
    assert.deepEqual(t.shape, want.shape, name);
    assert.equal(hexOf(t), want.hex, name);
    assert.ok(t.isContiguous(), name);
  }
});

test('Fortran-order data is transposed into C order', () => {
  const t = readNpy(fixture('f8_fortran.npy'));
  assert.deepEqual(t.toArray(), [[0, 1.5, 3], [4.5, 6, 7.5]]);
  const u = readNpy(fixture('i4_fortran_be.npy'));
  assert.deepEqual(u.toArray(), [[-6, -5, -4, -3], [-2, -1, 0, 1], [2, 3, 4, 5]]);
});

test('refused fixtures give AdjointError naming the source and the reason', () => {
  for (const [name, word] of Object.entries(FIX.errors)) {
    assert.throws(() => readNpy(fixture(name), { source: name }), (e: unknown) => {
      assert.ok(e instanceof AdjointError, name);
      assert.ok(e.message.includes(word), `${name}: ${e.message}`);
      assert.ok(e.message.includes(name), `${name}: ${e.message}`);
      return true;
    });
  }
});

test('writeNpy produces byte-identical files to numpy.save for our natural dtypes', () => {
  const same = ['f4.npy', 'f8.npy', 'c8.npy', 'c16.npy', 'i4.npy', 'b1.npy', 'scalar_f8.npy', 'scalar_c8.npy', 'empty_f4.npy', 'empty_2x0_c16.npy'];
  for (const name of same) {
    const bytes = fixture(name);
    assert.deepEqual(Buffer.from(writeNpy(readNpy(bytes))), Buffer.from(bytes), name);
  }
});

test('writeNpy writes C order for non-contiguous views, headers aligned to 64 bytes', () => {
  const base = tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'float64' });
  const transposed = Tensor.fromStorage(base.storage, [3, 2], 'float64', [1, 3]);
  const bytes = writeNpy(transposed);
  const hlen = bytes[8]! | (bytes[9]! << 8);
  assert.equal((10 + hlen) % 64, 0);
  assert.equal(bytes[10 + hlen - 1], 0x0a);
  assert.deepEqual(readNpy(bytes).toArray(), [[1, 4], [2, 5], [3, 6]]);
});

test('a header too long for version 1.0 is written as version 2.0 and reads back', () => {
  const shape = new Array<number>(25000).fill(1);
  const t = Tensor.fromStorage(new Float64Array([2.5]), shape, 'float64');
  const bytes = writeNpy(t);
  assert.equal(bytes[6], 2);
  const hlen = new DataView(bytes.buffer).getUint32(8, true);
  assert.ok(hlen > 0xffff);
  assert.equal((12 + hlen) % 64, 0);
  const r = readNpy(bytes);
  assert.equal(r.shape.length, 25000);
  assert.equal(r.item(), 2.5);
});

const shapeArb = fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 4 });
const dtypeArb = fc.constantFrom<DType>(...DTYPES);

test('property: writeNpy then readNpy returns the same dtype, shape and bits', () => {
  fc.assert(
    fc.property(dtypeArb, shapeArb, fc.integer(), (dtype, shape, seed) => {
      const n = shape.reduce((a, b) => a * b, 1);
      const s = allocStorage(dtype, n);
      const bytes = new Uint8Array(s.buffer);
      let x = seed >>> 0;
      for (let i = 0; i < bytes.length; i++) {
        x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
        bytes[i] = x >>> 24;
      }
      if (dtype === 'bool') for (let i = 0; i < s.length; i++) s[i] = s[i]! & 1;
      const t = Tensor.fromStorage(s, shape, dtype);
      const r = readNpy(writeNpy(t));
      assert.equal(r.dtype, dtype);
      assert.deepEqual(r.shape, shape);
      assert.equal(hexOf(r), hexOf(t));
    }),
    { numRuns: 200 },
  );
});

test('i8 values are accepted exactly when they fit in int32', () => {
  const mk = (vals: bigint[]): Uint8Array => {
    const d = new Uint8Array(8 * vals.length);
    const dv = new DataView(d.buffer);
    vals.forEach((v, i) => dv.setBigInt64(8 * i, v, true));
    return npyWith(`{'descr': '<i8', 'fortran_order': False, 'shape': (${vals.length},), }`, d);
  };
  assert.deepEqual(readNpy(mk([2147483647n, -2147483648n, 0n, -1n])).toArray(), [2147483647, -2147483648, 0, -1]);
  assert.throws(() => readNpy(mk([0n, 2147483648n])), isAdjointError(/2147483648 at flat index 1 does not fit in int32/));
  assert.throws(() => readNpy(mk([-2147483649n])), isAdjointError(/-2147483649/));
  assert.throws(() => readNpy(mk([1n << 40n])), isAdjointError(/does not fit/));
});

test('header parsing: accepted spellings', () => {
  const d = new Uint8Array(new Float64Array([1, 2]).buffer);
  // Double quotes, no trailing comma, extra whitespace, Python 2 long suffix, key order.
  assert.deepEqual(readNpy(npyWith(`{"shape": (2L,), "fortran_order": False, "descr": "<f8"}`, d)).toArray(), [1, 2]);
  assert.deepEqual(readNpy(npyWith(`{ 'descr' : 'f8' ,'fortran_order':True,'shape':( 2 , ) , }   `, d)).toArray(), [1, 2]);
  assert.deepEqual(readNpy(npyWith(`{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }`, d, 2)).toArray(), [1, 2]);
  assert.deepEqual(readNpy(npyWith(`{'descr': '|u1', 'fortran_order': False, 'shape': (2,), }`, new Uint8Array([7, 250]))).toArray(), [7, 250]);
  assert.deepEqual(readNpy(npyWith(`{'descr': '|b1', 'fortran_order': False, 'shape': (2,), }`, new Uint8Array([0, 5]))).toArray(), [false, true]);
});

test('malformed files are refused with AdjointError', () => {
  const good = writeNpy(tensor([1, 2, 3], { dtype: 'float64' }));
  const cases: [string, Uint8Array, RegExp][] = [
    ['empty', new Uint8Array(0), /too short/],
    ['truncated data', good.subarray(0, good.length - 1), /needs 24 data bytes but 23/],
    ['trailing bytes', new Uint8Array([...good, 0]), /but 25 follow/],
    ['truncated header', good.subarray(0, 40), /header claims/],
    ['bad magic', new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x5a, 1, 0, 0, 0, 0]), /bad magic/],
    ['bad version', Uint8Array.from([...good.subarray(0, 6), 4, 0, ...good.subarray(8)]), /version 4\.0/],
    ['huge dims', npyWith(`{'descr': '<f8', 'fortran_order': False, 'shape': (4503599627370496, 4503599627370496), }`), /needs more data bytes/],
    ['dims past 2^53', npyWith(`{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999999,), }`), /integer 99999999999999999999999 is too large/],
    ['negative dim', npyWith(`{'descr': '<f8', 'fortran_order': False, 'shape': (-1,), }`), /non-negative integers/],
    ['float dim', npyWith(`{'descr': '<f8', 'fortran_order': False, 'shape': (2.0,), }`), /only integers/],
    ['string dim', npyWith(`{'descr': '<f8', 'fortran_order': False, 'shape': ('2',), }`), /non-negative integers/],
    ['list shape', npyWith(`{'descr': '<f8', 'fortran_order': False, 'shape': [2], }`), /tuple/],
    ['extra key', npyWith(`{'descr': '<f8', 'fortran_order': False, 'shape': (), 'x': 1}`), /exactly the keys/],
    ['missing key', npyWith(`{'descr': '<f8', 'shape': ()}`), /exactly the keys/],
    ['duplicate key', npyWith(`{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': ()}`), /twice/],
    ['fortran not bool', npyWith(`{'descr': '<f8', 'fortran_order': 0, 'shape': ()}`), /True or False/],
    ['code injection', npyWith(`{'descr': __import__('os').system('false'), 'fortran_order': False, 'shape': ()}`), /cannot parse the header/],
    ['object descr', npyWith(`{'descr': 'O', 'fortran_order': False, 'shape': (1,), }`, new Uint8Array(8)), /object arrays/],
    ['structured descr', npyWith(`{'descr': [('x', '<f4')], 'fortran_order': False, 'shape': (1,), }`, new Uint8Array(4)), /structured/],
    ['unsupported descr', npyWith(`{'descr': '<U3', 'fortran_order': False, 'shape': (1,), }`, new Uint8Array(12)), /unsupported dtype/],
    ['not a dict', npyWith(`('<f8', False, ())`), /not a dict/],
    ['unterminated', npyWith(`{'descr': '<f8`), /unterminated/],
    ['deep nesting', npyWith('['.repeat(5000)), /nested deeper/],
    ['bad utf8 v3', npyWith(`{'descr': '\u00ff', 'fortran_order': False, 'shape': ()}`, new Uint8Array(0), 3).map((b, i, a) => (i === a.indexOf(0xc3) ? 0xff : b)), /UTF-8/],
  ];
  for (const [what, bytes, re] of cases) {
    assert.throws(() => readNpy(bytes, { source: 'case.npy' }), (e: unknown) => {
      assert.ok(e instanceof AdjointError, `${what}: ${String(e)}`);
      assert.match(e.message, re, what);
      assert.match(e.message, /^readNpy: .*'case\.npy'/, what);
      return true;
    });
  }
  assert.throws(() => readNpy([1, 2] as unknown as Uint8Array), isAdjointError(/Uint8Array/));
});

test('zero-size arrays with huge other dims are fine; check happens before allocating', () => {
  const t = readNpy(npyWith(`{'descr': '<c16', 'fortran_order': True, 'shape': (9007199254740991, 0), }`));
  assert.deepEqual(t.shape, [9007199254740991, 0]);
  assert.equal(t.numel, 0);
});

test('works on a Uint8Array at an odd byte offset (pooled Buffer)', () => {
  const good = writeNpy(tensor([[1, 2], [3, 4]], { dtype: 'complex128' }));
  const big = new Uint8Array(good.length + 3);
  big.set(good, 3);
  assert.deepEqual(readNpy(big.subarray(3)).toArray(), [[1, 2], [3, 4]]);
});

/** Valid files of every dtype to mutate. */
const seeds: Uint8Array[] = [
  ...Object.keys(FIX.npy).map(fixture),
  writeNpy(tensor([[1, 2], [3, 4]], { dtype: 'float32' })),
];

test('fuzz: mutated and truncated files give a Tensor or an AdjointError, nothing else', () => {
  fc.assert(
    fc.property(
      fc.nat(seeds.length - 1),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
      fc.option(fc.nat(), { nil: undefined }),
      (which, edits, cut) => {
        const src = seeds[which]!;
        const b = new Uint8Array(cut === undefined ? src : src.subarray(0, cut % (src.length + 1)));
        // Aim most edits at the 128-byte header where the parser lives.
        for (const [pos, v] of edits) if (b.length > 0) b[pos % Math.min(b.length, pos % 3 === 0 ? b.length : 128)] = v;
        try {
          const t = readNpy(b);
          assert.ok(t instanceof Tensor);
          assert.equal(t.data.length, t.numel * (t.dtype.startsWith('complex') ? 2 : 1));
        } catch (e) {
          if (!(e instanceof AdjointError)) throw e;
        }
      },
    ),
    { numRuns: 3000 },
  );
});

const headerPiece = fc.constantFrom(
  "{", "}", "(", ")", "[", "]", ",", ":", " ", "'descr'", "'fortran_order'", "'shape'", "'<f8'", "'>c16'", "'|b1'", "'O'",
  'True', 'False', 'None', '0', '1', '-1', '3', '99999999999999999999', "'", '"', '\\', 'L', '.5', '\n', 'é',
);

test('fuzz: random headers give a Tensor or an AdjointError, nothing else', () => {
  const headerArb = fc.oneof(
    fc.array(headerPiece, { maxLength: 40 }).map((a) => a.join('')),
    fc.string({ maxLength: 80 }),
    fc.tuple(fc.constantFrom("'<f8'", "'<i8'", "'|u1'", "'<c8'", "'O'", "[('a', '<f4')]", '3'), fc.constantFrom('True', 'False', '1'), fc.array(fc.integer({ min: -2, max: 2 ** 40 }), { maxLength: 4 }))
      .map(([d, f, s]) => `{'descr': ${d}, 'fortran_order': ${f}, 'shape': (${s.join(', ')}${s.length === 1 ? ',' : ''}), }`),
  );
  fc.assert(
    fc.property(headerArb, fc.integer({ min: 1, max: 3 }), fc.nat(64), (header, version, ndata) => {
      try {
        const t = readNpy(npyWith(header, new Uint8Array(ndata), version));
        assert.ok(t instanceof Tensor);
      } catch (e) {
        if (!(e instanceof AdjointError)) throw e;
      }
    }),
    { numRuns: 3000 },
  );
});
