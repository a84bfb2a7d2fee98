for (let r = 0; r < 3; r++) {
  let t0 = performance.now();
  const a = new Float64Array(new SharedArrayBuffer(8320 * 2048 * 8));
  const t1 = performance.now();
  for (let g = 0; g < 8320; g++) for (let i = 0; i < 166; i++) a[g * 2048 + i] = i;
  const t2 = performance.now();
  const b = new Float64Array(new SharedArrayBuffer(8320 * 166 * 8));
  const t3 = performance.now();
  for (let g = 0; g < 8320; g++) for (let i = 0; i < 166; i++) b[g * 166 + i] = i;
  const t4 = performance.now();
  console.log('alloc 136MB', (t1 - t0).toFixed(2), 'touch strided', (t2 - t1).toFixed(1), '| alloc 11MB', (t3 - t2).toFixed(2), 'touch compact', (t4 - t3).toFixed(1));
}
