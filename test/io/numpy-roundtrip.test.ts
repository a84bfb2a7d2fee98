// Writes our .npy/.npz files and has NumPy load them: values must come back bit-identical, and NumPy's own
// np.save of what it loaded must reproduce our .npy files byte for byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tensor, tensor } from '../../src/index.js';
import { saveNpy, saveNpz } from '../../src/io/index.js';

const PY = '/usr/bin/python3';
const probe = spawnSync(PY, ['-c', 'import numpy'], { encoding: 'utf8' });
const skip = probe.status === 0 ? false : `${PY} with numpy is not available (${(probe.stderr || String(probe.error)).trim().split('\n').pop()}); the NumPy round-trip check is skipped`;

const DESCR: Record<string, string> = { float32: '<f4', float64: '<f8', complex64: '<c8', complex128: '<c16', int32: '<i4', bool: '|b1' };
const hexOf = (t: Tensor): string => {
  const d = t.data;
  return Buffer.from(d.buffer, d.byteOffset, d.byteLength).toString('hex');
};

const SCRIPT = `
import io, json, sys
import numpy as np
out = {}
for path in sys.argv[1:]:
    if path.endswith('.npz'):
        with np.load(path) as z:
            out[path] = {k: {'descr': z[k].dtype.str, 'shape': list(z[k].shape), 'hex': np.ascontiguousarray(z[k]).tobytes().hex()} for k in z.files}
    else:
        a = np.load(path)
        buf = io.BytesIO()
        np.save(buf, a)
        with open(path, 'rb') as f:
            same = f.read() == buf.getvalue()
        out[path] = {'descr': a.dtype.str, 'shape': list(a.shape), 'hex': np.ascontiguousarray(a).tobytes().hex(), 'same_bytes': same}
print(json.dumps(out))
`;

test('NumPy loads our .npy and .npz files bit-identically', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'adjoint-np-'));
  try {
    const base = tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'float64' });
    const arrays: Record<string, Tensor> = {
      f32: tensor([0, -0, 1.5, NaN, Infinity, -Infinity, 1e-40], { dtype: 'float32' }),
      f64: tensor([[Math.PI, -0], [NaN, 5e-324]], { dtype: 'float64' }),
      c64: tensor([[1, -2], [NaN, Infinity], [0.1, -0]], { dtype: 'complex64' }),
      c128: tensor([[[1, 2], [3, 4]], [[-5, 6], [7, -8]]], { dtype: 'complex128' }),
      i32: tensor([2147483647, -2147483648, 0, -1], { dtype: 'int32' }),
      b: tensor([[true, false, true]], { dtype: 'bool' }),
      scalar: tensor(2.75, { dtype: 'float64' }),
      empty: Tensor.fromStorage(new Float32Array(0), [3, 0, 2], 'complex64'),
      transposed: Tensor.fromStorage(base.storage, [3, 2], 'float64', [1, 3]),
    };
    const paths: string[] = [];
    for (const [k, t] of Object.entries(arrays)) {
      const p = join(dir, `${k}.npy`);
      saveNpy(p, t);
      paths.push(p);
    }
    const npzOpts = { plain: {}, compressed: { compressed: true }, zip64: { forceZip64: true } };
    for (const [k, o] of Object.entries(npzOpts)) {
      const p = join(dir, `${k}.npz`);
      saveNpz(p, arrays, o);
      paths.push(p);
    }
    const r = spawnSync(PY, ['-c', SCRIPT, ...paths], { encoding: 'utf8', maxBuffer: 1 << 24 });
    assert.equal(r.status, 0, r.stderr);
    const got = JSON.parse(r.stdout) as Record<string, Record<string, unknown>>;
    const check = (where: string, g: Record<string, unknown>, t: Tensor) => {
      assert.equal(g['descr'], DESCR[t.dtype], where);
      assert.deepEqual(g['shape'], t.shape, where);
      assert.equal(g['hex'], hexOf(t), where);
    };
    for (const [k, t] of Object.entries(arrays)) {
      const g = got[join(dir, `${k}.npy`)]!;
      check(k, g, t);
      assert.equal(g['same_bytes'], true, `${k}: np.save writes different bytes`);
    }
    for (const k of Object.keys(npzOpts)) {
      const members = got[join(dir, `${k}.npz`)] as Record<string, Record<string, unknown>>;
      assert.deepEqual(Object.keys(members).sort(), Object.keys(arrays).sort());
      for (const [m, t] of Object.entries(arrays)) check(`${k}.npz:${m}`, members[m]!, t);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
