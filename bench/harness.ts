/**
 * Benchmark harness types and timing. Every `bench/cases/*.ts` module exports `cases: BenchCase[]`;
 * `bench/run.ts` times them, runs the PyTorch peer and writes `bench/RESULTS.md` (see docs/BENCH.md).
 */

/**
 * One benchmark case.
 *
 * @example
 * ```ts
 * const c: BenchCase = {
 *   name: 'matmul 1024x1024 float64',
 *   peer: 'matmul_1024_f64',
 *   flops: 2 * 1024 ** 3,
 *   setup: () => { const a = randn([1024, 1024], { seed: 0, dtype: 'float64' }); return () => matmul(a, a); },
 * };
 * ```
 */
export interface BenchCase {
  /** Row label in the table. */
  name: string;
  /** Id of the matching case in some `bench/peers/<area>_cases.py` (`CASES` dict), timed by PyTorch. */
  peer?: string;
  /** Floating-point operations of one call; reported as GFLOP/s. */
  flops?: number;
  /** Bytes a call must move at least (read + written); reported as GB/s. */
  bytes?: number;
  /** Least number of timed repeats after warm-up (default 5; more for fast cases, 3 when a call takes over 2 s). */
  repeats?: number;
  /** Least number of untimed warm-up calls (default 1; fast cases get more, ~300 ms worth). */
  warmup?: number;
  /** Prepares inputs (untimed) and returns the function to time. */
  setup: () => () => unknown;
  /** A JavaScript peer timed by this harness in the same way (e.g. fft.js). */
  peerFn?: () => () => unknown;
  /** Label of `peerFn` in the notes column. */
  peerName?: string;
  /** Free text added to the notes column. */
  note?: string;
}

/** Result of timing one function. */
export interface Timing {
  /** Median wall time of the timed repeats, in milliseconds. */
  medianMs: number;
  /** Fastest repeat, in milliseconds. */
  minMs: number;
  /** Every timed repeat, in milliseconds. */
  samples: number[];
  /** Median process CPU time (user + system) per repeat, in milliseconds: close to wall time for single-threaded
   * code on an idle machine, and a steadier number than wall time when other processes compete for the cores. */
  cpuMedianMs: number;
  /** Median system CPU time per repeat (page faults on fresh memory land here), in milliseconds. */
  sysMedianMs: number;
}

/** Wall-clock milliseconds of one call, measured with `process.hrtime.bigint()`, its CPU and its system CPU milliseconds. */
function once(fn: () => unknown): [number, number, number] {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  fn();
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  const c = process.cpuUsage(c0);
  return [wall, (c.user + c.system) / 1000, c.system / 1000];
}

/**
 * Times `fn`: at least `warmup` untimed calls and at least ~300 ms of them (so V8 has optimised the hot code
 * even for sub-millisecond cases, capped at 200 calls), then at least `repeats` timed calls (more for fast
 * cases, up to ~300 ms or 50 calls, fewer — 3 — when one call takes over 2 s); returns the median.
 *
 * @example
 * ```ts
 * const t = timeIt(() => matmul(a, b), 5, 1);
 * console.log(t.medianMs);
 * ```
 */
export function timeIt(fn: () => unknown, repeats = 5, warmup = 1): Timing {
  const BUDGET_MS = 300;
  let first = Infinity;
  let spent = 0;
  for (let i = 0; i < 200 && (i < warmup || spent < BUDGET_MS); i++) {
    const w = once(fn)[0];
    first = Math.min(first, w);
    spent += w;
  }
  const n = first > 2000 ? Math.min(repeats, 3) : repeats;
  const samples: number[] = [];
  const cpu: number[] = [];
  const sys: number[] = [];
  spent = 0;
  for (let i = 0; i < 50 && (i < Math.max(1, n) || spent < BUDGET_MS); i++) {
    const [w, c, s] = once(fn);
    samples.push(w);
    cpu.push(c);
    sys.push(s);
    spent += w;
  }
  return { medianMs: median(samples), minMs: Math.min(...samples), samples, cpuMedianMs: median(cpu), sysMedianMs: median(sys) };
}

/** Median of a non-empty list. @example `median([3, 1, 2]) // 2` */
export function median(xs: readonly number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
}
