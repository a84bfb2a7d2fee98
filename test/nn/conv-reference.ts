/**
 * Naive reference loops for the conv tests, written from the PyTorch formulas and independent of src/nn:
 * no offset tables, no padded buffers, no index maps; every output element is a plain sum.
 * Data are flat interleaved arrays (sp = 2 for complex).
 */
export type Mode = 'zeros' | 'circular' | 'reflect' | 'replicate';

/** The source index of padded position m (m may be out of [0, n)), or -1 for a zero. */
export function srcIndex(m: number, n: number, mode: Mode): number {
  if (m >= 0 && m < n) return m;
  if (mode === 'zeros') return -1;
  if (mode === 'replicate') return m < 0 ? 0 : n - 1;
  if (mode === 'circular') return ((m % n) + n) % n;
  // reflect without repeating the edge: -1 -> 1, n -> n - 2
  return m < 0 ? -m : 2 * (n - 1) - m;
}

export interface RefConv {
  x: number[] | Float64Array;
  xs: [number, number, number, number];
  w: number[] | Float64Array;
  ws: [number, number, number, number];
  bias: number[] | Float64Array | null;
  stride: [number, number];
  dilation: [number, number];
  /** [top, bottom, left, right] */
  pads: [number, number, number, number];
  groups: number;
  mode: Mode;
  sp: 1 | 2;
}

/** conv2d: 7 nested loops (n, o, i, j, c, u, v). Returns [shape, flat data]. */
export function refConv2d(a: RefConv): { shape: number[]; data: Float64Array } {
  const [N, C, H, W] = a.xs;
  const [O, Cg, KH, KW] = a.ws;
  const [pt, pb, pl, pr] = a.pads;
  const HO = Math.floor((H + pt + pb - a.dilation[0] * (KH - 1) - 1) / a.stride[0]) + 1;
  const WO = Math.floor((W + pl + pr - a.dilation[1] * (KW - 1) - 1) / a.stride[1]) + 1;
  const og = O / a.groups;
  const sp = a.sp;
  const out = new Float64Array(N * O * HO * WO * sp);
  for (let n = 0; n < N; n++)
    for (let o = 0; o < O; o++) {
      const g = Math.floor(o / og);
      for (let i = 0; i < HO; i++)
        for (let j = 0; j < WO; j++) {
          let re = a.bias ? a.bias[o * sp]! : 0;
          let im = a.bias && sp === 2 ? a.bias[o * sp + 1]! : 0;
          for (let c = 0; c < Cg; c++)
            for (let u = 0; u < KH; u++)
              for (let v = 0; v < KW; v++) {
                const r = srcIndex(i * a.stride[0] + u * a.dilation[0] - pt, H, a.mode);
                const q = srcIndex(j * a.stride[1] + v * a.dilation[1] - pl, W, a.mode);
                if (r < 0 || q < 0) continue;
                const xi = (((n * C + g * Cg + c) * H + r) * W + q) * sp;
                const wi = (((o * Cg + c) * KH + u) * KW + v) * sp;
                if (sp === 1) re += a.w[wi]! * a.x[xi]!;
                else {
                  const wr = a.w[wi]!, wim = a.w[wi + 1]!, xr = a.x[xi]!, xim = a.x[xi + 1]!;
                  re += wr * xr - wim * xim;
                  im += wr * xim + wim * xr;
                }
              }
          const oi = (((n * O + o) * HO + i) * WO + j) * sp;
          out[oi] = re;
          if (sp === 2) out[oi + 1] = im;
        }
    }
  return { shape: [N, O, HO, WO], data: out };
}

/** convTranspose2d: the scatter form, y[o, i·s + u·d − p, …] += x[c, i, j] · w[c, o, u, v]. */
export function refConvTranspose2d(a: Omit<RefConv, 'pads' | 'mode'> & { padding: [number, number]; outputPadding: [number, number] }): {
  shape: number[];
  data: Float64Array;
} {
  const [N, C, H, W] = a.xs;
  const [, Og, KH, KW] = a.ws;
  const cg = C / a.groups;
  const O = Og * a.groups;
  const HO = (H - 1) * a.stride[0] - 2 * a.padding[0] + a.dilation[0] * (KH - 1) + a.outputPadding[0] + 1;
  const WO = (W - 1) * a.stride[1] - 2 * a.padding[1] + a.dilation[1] * (KW - 1) + a.outputPadding[1] + 1;
  const sp = a.sp;
  const out = new Float64Array(N * O * HO * WO * sp);
  for (let n = 0; n < N; n++)
    for (let o = 0; o < O; o++)
      for (let i = 0; i < HO; i++)
        for (let j = 0; j < WO; j++) {
          const oi = (((n * O + o) * HO + i) * WO + j) * sp;
          if (a.bias) {
            out[oi] = a.bias[o * sp]!;
            if (sp === 2) out[oi + 1] = a.bias[o * sp + 1]!;
          }
        }
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++) {
      const g = Math.floor(c / cg);
      for (let i = 0; i < H; i++)
        for (let j = 0; j < W; j++)
          for (let ol = 0; ol < Og; ol++)
            for (let u = 0; u < KH; u++)
              for (let v = 0; v < KW; v++) {
                const r = i * a.stride[0] + u * a.dilation[0] - a.padding[0];
                const q = j * a.stride[1] + v * a.dilation[1] - a.padding[1];
                if (r < 0 || r >= HO || q < 0 || q >= WO) continue;
                const o = g * Og + ol;
                const xi = (((n * C + c) * H + i) * W + j) * sp;
                const wi = (((c * Og + ol) * KH + u) * KW + v) * sp;
                const oi = (((n * O + o) * HO + r) * WO + q) * sp;
                if (sp === 1) out[oi] += a.w[wi]! * a.x[xi]!;
                else {
                  const wr = a.w[wi]!, wim = a.w[wi + 1]!, xr = a.x[xi]!, xim = a.x[xi + 1]!;
                  out[oi] += wr * xr - wim * xim;
                  out[oi + 1] += wr * xim + wim * xr;
                }
              }
    }
  return { shape: [N, O, HO, WO], data: out };
}

/** Largest |a − b| relative to max(1, max |b|). */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 1;
  let e = 0;
  for (let i = 0; i < b.length; i++) {
    m = Math.max(m, Math.abs(b[i]!));
    e = Math.max(e, Math.abs(a[i]! - b[i]!));
  }
  return e / m;
}
