/**
 * The bundled sample image, drawn procedurally (no binary asset): smooth gradients, discs, a square, fine
 * stripes and a checkerboard corner, so that the blur removes visible high frequencies.
 */

/**
 * A `[C, H, W]` image in [0, 1]; C = 3 gives colour, C = 1 its luminance.
 * @example `sampleImage(3, 128, 128).length // 49152`
 */
export function sampleImage(channels: 1 | 3, h = 128, w = 128): Float64Array {
  const rgb = new Float64Array(3 * h * w);
  const set = (i: number, j: number, r: number, g: number, b: number): void => {
    rgb[i * w + j] = r;
    rgb[h * w + i * w + j] = g;
    rgb[2 * h * w + i * w + j] = b;
  };
  const discs = [
    { ci: 0.3, cj: 0.3, r: 0.17, col: [0.95, 0.25, 0.2] },
    { ci: 0.62, cj: 0.55, r: 0.22, col: [0.2, 0.75, 0.3] },
    { ci: 0.35, cj: 0.72, r: 0.12, col: [0.25, 0.35, 0.95] },
  ];
  for (let i = 0; i < h; i++) {
    for (let j = 0; j < w; j++) {
      const u = i / h;
      const v = j / w;
      let r = 0.15 + 0.5 * v;
      let g = 0.2 + 0.4 * u;
      let b = 0.55 - 0.3 * v;
      for (const d of discs) {
        if ((u - d.ci) ** 2 + (v - d.cj) ** 2 < d.r * d.r) [r, g, b] = d.col as [number, number, number];
      }
      if (u > 0.78 && u < 0.93 && v > 0.08 && v < 0.3) [r, g, b] = [0.95, 0.9, 0.3];
      if (u > 0.8 && v > 0.4 && v < 0.7) {
        const s = Math.floor(j / 2) % 2 === 0 ? 0.9 : 0.1; // 2-pixel stripes
        [r, g, b] = [s, s, s];
      }
      if (u > 0.8 && v > 0.76) {
        const s = (Math.floor(i / 4) + Math.floor(j / 4)) % 2 === 0 ? 1 : 0;
        [r, g, b] = [s, 0.5 * s, 1 - s];
      }
      set(i, j, r, g, b);
    }
  }
  if (channels === 3) return rgb;
  const grey = new Float64Array(h * w);
  for (let p = 0; p < h * w; p++) grey[p] = 0.299 * rgb[p]! + 0.587 * rgb[h * w + p]! + 0.114 * rgb[2 * h * w + p]!;
  return grey;
}
