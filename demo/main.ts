/**
 * The demo page: reads the controls, posts a {@link DeconvJob} to the worker and draws what comes back. No
 * numerical work happens on this thread, so the page stays responsive.
 *
 * Page state for tests and scripts: `body[data-status]` is 'loading' | 'running' | 'done' | 'error';
 * `body[data-job]` is the id of the job on screen and `body[data-padding]` its padding; each reconstruction's
 * PSNR is in `[data-rec=…] .psnr[data-psnr]`.
 */
import { drawImage, drawKernel, plotLog } from './plots.js';
import type { DeconvJob, DeconvResult, KernelKind, PaddingChoice, SolverChoice, WorkerMessage } from './protocol.js';
import { sampleImage } from './sample.js';

const SIZE = 128;
const $ = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`missing element #${id}`);
  return el as T;
};
const input = (id: string): HTMLInputElement => $<HTMLInputElement>(id);
const select = (id: string): HTMLSelectElement => $<HTMLSelectElement>(id);

/** The dropped image, resized to fit SIZE×SIZE, as RGB `[3, H, W]`. */
let dropped: { rgb: Float64Array; h: number; w: number } | null = null;
let nextId = 1;
let latest = 0;

function setStatus(status: 'loading' | 'running' | 'done' | 'error', text: string = status): void {
  document.body.dataset['status'] = status;
  $('status').textContent = text;
  if (status !== 'running') $('stage').textContent = '';
}

function currentImage(channels: 1 | 3): { data: Float64Array; h: number; w: number } {
  if (select('source').value === 'file' && dropped !== null) {
    const { rgb, h, w } = dropped;
    if (channels === 3) return { data: rgb, h, w };
    const g = new Float64Array(h * w);
    for (let p = 0; p < h * w; p++) g[p] = 0.299 * rgb[p]! + 0.587 * rgb[h * w + p]! + 0.114 * rgb[2 * h * w + p]!;
    return { data: g, h, w };
  }
  return { data: sampleImage(channels, SIZE, SIZE), h: SIZE, w: SIZE };
}

function num(id: string, fallback: number): number {
  const v = Number(input(id).value);
  return Number.isFinite(v) ? v : fallback;
}

function readJob(): DeconvJob {
  const channels = Number(select('channels').value) === 1 ? 1 : 3;
  const img = currentImage(channels);
  let k = Math.round(num('kernel-size', 5));
  if (k < 1) k = 1;
  if (k % 2 === 0) k += 1;
  return {
    id: nextId++,
    image: img.data,
    channels,
    height: img.h,
    width: img.w,
    kernel: select('kernel-kind').value as KernelKind,
    kernelSize: Math.min(k, 15),
    padding: select('padding').value as PaddingChoice,
    noise: Math.max(0, num('noise', 0)),
    lambda: Math.max(0, num('lambda', 0.01)),
    iterations: Math.max(1, Math.round(num('iterations', 30))),
    rtol: Math.max(0, num('rtol', 1e-6)),
    maxIter: Math.max(1, Math.round(num('max-iter', 60))),
    solver: select('solver').value as SolverChoice,
    seed: Math.max(0, Math.round(num('seed', 0))),
  };
}

const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
const pending = new Map<number, DeconvJob>();

function run(): void {
  const job = readJob();
  latest = job.id;
  pending.set(job.id, job);
  drawImage($<HTMLCanvasElement>('original'), job.image, job.channels, job.height, job.width);
  setStatus('running', `running job ${job.id}`);
  // A copy goes to the worker: the job object is kept here to draw against.
  worker.postMessage({ ...job, image: Float64Array.from(job.image) });
}

function fmtPsnr(p: number): string {
  return Number.isFinite(p) ? `${p.toFixed(1)} dB` : p > 0 ? '∞ dB' : 'NaN';
}

function show(res: DeconvResult): void {
  const job = pending.get(res.id);
  pending.delete(res.id);
  if (job === undefined || res.id !== latest) return; // a newer job is on its way
  const c = res.channels;
  drawKernel($<HTMLCanvasElement>('kernel'), res.kernel, c, res.kernelSize);
  const [, yh, yw] = res.yShape;
  drawImage($<HTMLCanvasElement>('blurred'), res.y, c, yh, yw);
  $('y-info').textContent = `${c}×${yh}×${yw}, ${job.padding} padding${job.noise > 0 ? `, noise σ=${job.noise}` : ''}`;
  for (const r of res.recs) {
    const fig = document.querySelector<HTMLElement>(`[data-rec="${r.key}"]`);
    if (fig === null) continue;
    drawImage(fig.querySelector('canvas')!, r.data, c, job.height, job.width);
    fig.querySelector('.label')!.textContent = r.label;
    const ps = fig.querySelector<HTMLElement>('.psnr')!;
    ps.textContent = `PSNR ${fmtPsnr(r.psnr)}`;
    ps.dataset['psnr'] = String(r.psnr);
    fig.querySelector('.ms')!.textContent = `${r.ms.toFixed(0)} ms`;
    fig.querySelector('.note')!.textContent = r.note;
    fig.dataset['job'] = String(res.id);
  }
  const sv = res.singular;
  plotLog($<HTMLCanvasElement>('sv-plot'), [{ label: `σ sorted (${sv.values.length})`, values: sv.values, color: '#2a5db0' }], {
    title: `Singular values of A${sv.exact ? '' : ' (circular approximation)'}`,
    xlabel: 'index (sorted)',
    hline: { value: sv.cutoff, label: `cutoff rtol·σmax = ${sv.cutoff.toExponential(2)} (${sv.kept} kept)`, color: '#c0392b' },
  });
  $('sv-note').textContent = `Singular values: ${sv.note}; σmax = ${sv.sigmaMax.toPrecision(4)}.`;
  const colors = ['#2a5db0', '#e67e22'];
  plotLog($<HTMLCanvasElement>('res-plot'), res.history.map((h, i) => ({ label: h.label, values: h.values, color: colors[i % colors.length]! })), {
    title: `Krylov residual history (${job.solver.toUpperCase()})`,
    xlabel: 'iteration',
    xStart: 1,
  });
  document.body.dataset['job'] = String(res.id);
  document.body.dataset['padding'] = job.padding;
  document.body.dataset['threads'] = String(res.threads);
  setStatus('done', `done (job ${res.id}, ${res.threads} thread${res.threads > 1 ? 's' : ''})`);
}

worker.onmessage = (ev: MessageEvent<WorkerMessage>) => {
  const m = ev.data;
  if (m.type === 'ready') {
    $('parallel').textContent = m.parallel;
    return;
  }
  if (m.type === 'stage') {
    if (m.id === latest) $('stage').textContent = `— ${m.stage}…`;
  } else if (m.type === 'result') {
    show(m.result);
  } else if (m.type === 'error') {
    pending.delete(m.id);
    if (m.id === latest) {
      setStatus('error', `error: ${m.message}`);
      console.error(`deconvolution failed: ${m.message}`);
    }
  }
};
worker.onerror = (ev) => {
  setStatus('error', `worker error: ${ev.message}`);
  console.error(`worker error: ${ev.message}`);
};

async function loadFile(file: File): Promise<void> {
  const bmp = await createImageBitmap(file);
  const s = Math.min(1, SIZE / Math.max(bmp.width, bmp.height));
  const w = Math.max(1, Math.round(bmp.width * s));
  const h = Math.max(1, Math.round(bmp.height * s));
  const cv = document.createElement('canvas');
  cv.width = w;
  cv.height = h;
  const ctx = cv.getContext('2d')!;
  ctx.drawImage(bmp, 0, 0, w, h);
  const px = ctx.getImageData(0, 0, w, h).data;
  const rgb = new Float64Array(3 * h * w);
  for (let p = 0; p < h * w; p++) for (let ch = 0; ch < 3; ch++) rgb[ch * h * w + p] = px[4 * p + ch]! / 255;
  dropped = { rgb, h, w };
  const opt = select('source').querySelector<HTMLOptionElement>('option[value=file]')!;
  opt.disabled = false;
  opt.textContent = `dropped: ${file.name} (${w}×${h})`;
  select('source').value = 'file';
  run();
}

const drop = $('drop');
drop.addEventListener('dragover', (e) => {
  e.preventDefault();
  drop.classList.add('over');
});
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  const f = e.dataTransfer?.files[0];
  if (f !== undefined) void loadFile(f).catch((err: unknown) => setStatus('error', `could not read the image: ${String(err)}`));
});
input('file').addEventListener('change', () => {
  const f = input('file').files?.[0];
  if (f !== undefined) void loadFile(f).catch((err: unknown) => setStatus('error', `could not read the image: ${String(err)}`));
});
$('run').addEventListener('click', run);
document.querySelectorAll<HTMLElement>('.controls select, .controls input[type=number]').forEach((el) => el.addEventListener('change', run));

run();
