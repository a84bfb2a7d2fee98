/**
 * Messages between the demo page (main.ts) and its Web Worker (worker.ts). The page only posts jobs and draws
 * results; all numerical work happens in the worker.
 */

/** Blur kernels offered by the page. */
export type KernelKind = 'box' | 'gaussian' | 'motion' | 'random';
/** Boundary handling of the convolution. */
export type PaddingChoice = 'circular' | 'same' | 'valid';
/** Krylov solver for the k-iteration reconstruction. */
export type SolverChoice = 'lsqr' | 'lsmr' | 'cgls';

/** One deconvolution run. */
export interface DeconvJob {
  id: number;
  /** The original image `[C, H, W]`, values in [0, 1]. */
  image: Float64Array;
  channels: number;
  height: number;
  width: number;
  kernel: KernelKind;
  /** Odd kernel size k (k×k). */
  kernelSize: number;
  padding: PaddingChoice;
  /** Standard deviation of the added Gaussian noise (0: none). */
  noise: number;
  /** Tikhonov λ. */
  lambda: number;
  /** k, the iterations of the Krylov reconstruction. */
  iterations: number;
  /** Pseudo-inverse cutoff, relative to σ_max. */
  rtol: number;
  /** Iteration cap of the iterative pseudo-inverse / Tikhonov solves (non-circular padding). */
  maxIter: number;
  solver: SolverChoice;
  seed: number;
}

/** One reconstruction with its quality and cost. */
export interface Reconstruction {
  key: 'pinv' | 'tikhonov' | 'krylov';
  label: string;
  /** `[C, H, W]`, same shape as the original. */
  data: Float64Array;
  /** PSNR against the original in dB (peak 1). */
  psnr: number;
  /** Wall time in milliseconds. */
  ms: number;
  note: string;
}

/** The worker's answer to a job. */
export interface DeconvResult {
  id: number;
  kernel: Float64Array;
  kernelSize: number;
  channels: number;
  /** The blurred (noisy) data y. */
  y: Float64Array;
  yShape: [number, number, number];
  recs: Reconstruction[];
  singular: {
    /** Sorted descending. */
    values: Float64Array;
    cutoff: number;
    sigmaMax: number;
    kept: number;
    /** True when these are the operator's own singular values (circular padding). */
    exact: boolean;
    note: string;
  };
  /** Threads that could work on this job: the worker itself plus its ready Web Worker helpers. */
  threads: number;
  /** Krylov residual histories, one value per iteration. */
  history: { label: string; values: number[] }[];
}

/** Worker → page messages. */
export type WorkerMessage =
  | { type: 'ready'; parallel: string }
  | { type: 'stage'; id: number; stage: string }
  | { type: 'result'; result: DeconvResult }
  | { type: 'error'; id: number; message: string };
