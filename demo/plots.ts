/**
 * Canvas drawing for the demo page: images `[C, H, W]`, the kernel as a small picture, and log-scale line plots.
 * Plain 2-D canvas, no plotting library.
 */

/**
 * Draws a `[C, H, W]` image (C = 1 grey or 3 RGB; values clamped to [0, 1]) at one canvas pixel per pixel.
 * @example `drawImage(canvas, data, 3, 128, 128)`
 */
export function drawImage(canvas: HTMLCanvasElement, data: ArrayLike<number>, c: number, h: number, w: number): void {
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext('2d');
  if (ctx === null) return;
  const img = ctx.createImageData(w, h);
  const px = img.data;
  const hw = h * w;
  const to8 = (v: number): number => (Number.isFinite(v) ? Math.round(255 * Math.min(1, Math.max(0, v))) : 0);
  for (let p = 0; p < hw; p++) {
    const r = data[p]!;
    px[4 * p] = to8(r);
    px[4 * p + 1] = to8(c === 3 ? data[hw + p]! : r);
    px[4 * p + 2] = to8(c === 3 ? data[2 * hw + p]! : r);
    px[4 * p + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}

/**
 * Draws the `[C, C, k, k]` kernel as a C×C grid of k×k tiles (row: output channel, column: input channel),
 * white for positive weights and red for negative ones, scaled by the largest |w|. Off-diagonal tiles are black
 * for kernels that do not mix channels.
 * @example `drawKernel(canvas, w, 3, 7)`
 */
export function drawKernel(canvas: HTMLCanvasElement, w: ArrayLike<number>, c: number, k: number): void {
  const cell = 8;
  const gap = 4;
  const side = c * k * cell + (c - 1) * gap;
  canvas.width = side;
  canvas.height = side;
  const ctx = canvas.getContext('2d');
  if (ctx === null) return;
  ctx.fillStyle = '#666';
  ctx.fillRect(0, 0, side, side);
  let max = 0;
  for (let i = 0; i < w.length; i++) max = Math.max(max, Math.abs(w[i]!));
  if (max === 0) max = 1;
  for (let o = 0; o < c; o++) {
    for (let ci = 0; ci < c; ci++) {
      for (let u = 0; u < k; u++) {
        for (let v = 0; v < k; v++) {
          const val = w[((o * c + ci) * k + u) * k + v]! / max;
          const g = Math.round(255 * Math.sqrt(Math.abs(val))); // sqrt: the tails stay visible
          ctx.fillStyle = val >= 0 ? `rgb(${g},${g},${g})` : `rgb(${g},0,0)`;
          ctx.fillRect(ci * (k * cell + gap) + v * cell, o * (k * cell + gap) + u * cell, cell, cell);
        }
      }
    }
  }
}

/** A line of a {@link plotLog} chart. */
export interface Series {
  label: string;
  values: ArrayLike<number>;
  color: string;
}

/** Options of {@link plotLog}. */
export interface PlotOptions {
  title: string;
  xlabel: string;
  /** The x value of the first point (default 0; 1 for iteration counts). */
  xStart?: number;
  /** A horizontal marker (e.g. the pseudo-inverse cutoff), drawn dashed. */
  hline?: { value: number; label: string; color: string };
}

/**
 * Plots series against their index with a log10 y axis (non-positive values are clipped to the smallest positive
 * one). Long series are drawn one point per canvas column (min and max of the column), so 50 000 singular values
 * cost no more than 500.
 * @example `plotLog(canvas, [{ label: 'σ', values: s, color: '#36c' }], { title: 'Singular values', xlabel: 'index' })`
 */
export function plotLog(canvas: HTMLCanvasElement, series: Series[], opts: PlotOptions): void {
  const W = canvas.width;
  const H = canvas.height;
  const ctx = canvas.getContext('2d');
  if (ctx === null) return;
  const m = { l: 56, r: 12, t: 24, b: 36 };
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, W, H);
  let lo = Infinity;
  let hi = -Infinity;
  let n = 1;
  for (const s of series) {
    n = Math.max(n, s.values.length);
    for (let i = 0; i < s.values.length; i++) {
      const v = s.values[i]!;
      if (v > 0 && Number.isFinite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
  }
  if (opts.hline !== undefined && opts.hline.value > 0) {
    lo = Math.min(lo, opts.hline.value);
    hi = Math.max(hi, opts.hline.value);
  }
  if (!Number.isFinite(lo)) {
    lo = 1e-3;
    hi = 1;
  }
  let l0 = Math.floor(Math.log10(lo));
  let l1 = Math.ceil(Math.log10(hi));
  if (l1 === l0) l1 = l0 + 1;
  const pw = W - m.l - m.r;
  const ph = H - m.t - m.b;
  const X = (i: number): number => m.l + (n <= 1 ? 0 : (i / (n - 1)) * pw);
  const Y = (v: number): number => m.t + ((l1 - Math.log10(Math.max(v, 10 ** l0))) / (l1 - l0)) * ph;
  ctx.strokeStyle = '#ccc';
  ctx.fillStyle = '#333';
  ctx.font = '11px sans-serif';
  ctx.lineWidth = 1;
  const step = Math.max(1, Math.ceil((l1 - l0) / 8));
  for (let e = l0; e <= l1; e += step) {
    const y = Y(10 ** e);
    ctx.beginPath();
    ctx.moveTo(m.l, y);
    ctx.lineTo(W - m.r, y);
    ctx.stroke();
    ctx.fillText(`1e${e}`, 6, y + 4);
  }
  ctx.strokeStyle = '#333';
  ctx.strokeRect(m.l, m.t, pw, ph);
  const x0 = opts.xStart ?? 0;
  ctx.fillText(String(x0), m.l - 3, H - m.b + 14);
  ctx.fillText(String(x0 + n - 1), W - m.r - 24, H - m.b + 14);
  ctx.fillText(opts.xlabel, m.l + pw / 2 - 30, H - 8);
  ctx.font = 'bold 12px sans-serif';
  ctx.fillText(opts.title, m.l, 16);
  ctx.font = '11px sans-serif';
  let legendY = m.t + 14;
  for (const s of series) {
    ctx.strokeStyle = s.color;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    const len = s.values.length;
    if (len > pw) {
      // One vertical segment per column, spanning the column's min and max, joined into one line.
      for (let px = 0; px < pw; px++) {
        const a = Math.floor((px / pw) * len);
        const b = Math.max(a + 1, Math.floor(((px + 1) / pw) * len));
        let mn = Infinity;
        let mx = -Infinity;
        for (let i = a; i < b; i++) {
          mn = Math.min(mn, s.values[i]!);
          mx = Math.max(mx, s.values[i]!);
        }
        if (px === 0) ctx.moveTo(m.l, Y(mx));
        else ctx.lineTo(m.l + px, Y(mx));
        ctx.lineTo(m.l + px, Y(mn));
      }
    } else {
      for (let i = 0; i < len; i++) {
        if (i === 0) ctx.moveTo(X(i), Y(s.values[i]!));
        else ctx.lineTo(X(i), Y(s.values[i]!));
      }
    }
    ctx.stroke();
    ctx.fillStyle = s.color;
    ctx.fillText(s.label, W - m.r - 170, legendY);
    legendY += 14;
  }
  if (opts.hline !== undefined && opts.hline.value > 0) {
    const y = Y(opts.hline.value);
    ctx.strokeStyle = opts.hline.color;
    ctx.setLineDash([6, 4]);
    ctx.beginPath();
    ctx.moveTo(m.l, y);
    ctx.lineTo(W - m.r, y);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = opts.hline.color;
    ctx.fillText(opts.hline.label, m.l + 6, y - 4);
  }
}
