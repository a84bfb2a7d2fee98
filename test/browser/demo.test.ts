/**
 * The deconvolution demo in a real browser (Debian's chromium driven by playwright-core): the page served by
 * `scripts/serve-demo.mjs` (the command behind `npm run demo`), the circular case on the sample image (the
 * pseudo-inverse must recover the noiseless image: PSNR > 60 dB), the 'same' case (a reconstruction must appear),
 * a screenshot into test-artifacts/, the ESM bundle imported by name through an import map without a bundler,
 * and no console error anywhere. Skipped, with a message, where /usr/bin/chromium is missing (CI installs it).
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import * as aj from '../../src/index.js';
import { CircularSpectrum, makeKernel, makeOperator, psnr, runDeconv } from '../../demo/deconv.js';
import { sampleImage } from '../../demo/sample.js';

/** Debian's chromium (CI installs it); ADJOINT_CHROMIUM points elsewhere. */
const CHROMIUM = process.env['ADJOINT_CHROMIUM'] ?? '/usr/bin/chromium';
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const artifacts = join(root, 'test-artifacts');
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing (install Debian's chromium: apt-get install chromium, or set ADJOINT_CHROMIUM)`;

/** Starts `node scripts/serve-demo.mjs --port 0` and resolves to the URL it prints. */
function startServer(): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolveP, reject) => {
    const child = spawn(process.execPath, [join(root, 'scripts', 'serve-demo.mjs'), '--port', '0'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`demo server printed no URL within 30 s:\n${out}\n${err}`));
    }, 30_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /adjoint demo: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m !== null) {
        clearTimeout(timer);
        resolveP({ child, url: m[1]! });
      }
    });
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`demo server exited with ${code}:\n${out}\n${err}`));
    });
  });
}

/** Waits until the page shows a job newer than `after` for `padding` (or failed) and returns the final status. */
async function waitForJob(page: Page, padding: string, after = 0): Promise<string> {
  await page.waitForFunction(
    ([p, a]) =>
      document.body.dataset['status'] === 'error' ||
      (document.body.dataset['status'] === 'done' && document.body.dataset['padding'] === p && Number(document.body.dataset['job']) > Number(a)),
    [padding, after] as const,
    { timeout: 60_000, polling: 100 },
  );
  return (await page.getAttribute('body', 'data-status')) ?? '';
}

async function psnrOf(page: Page, key: string): Promise<number> {
  return Number(await page.getAttribute(`[data-rec="${key}"] .psnr`, 'data-psnr'));
}

/** Standard deviation of a canvas's red channel: 0 for a blank or flat canvas. */
async function canvasSpread(page: Page, selector: string): Promise<number> {
  return page.$eval(selector, (el) => {
    const c = el as HTMLCanvasElement;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let s = 0;
    let s2 = 0;
    const n = d.length / 4;
    for (let i = 0; i < d.length; i += 4) {
      s += d[i]!;
      s2 += d[i]! * d[i]!;
    }
    return Math.sqrt(Math.max(0, s2 / n - (s / n) ** 2));
  });
}

describe('demo page in chromium', { skip, timeout: 120_000 }, () => {
  let server: { child: ChildProcess; url: string } | undefined;
  let ctx: BrowserContext | undefined;
  let page: Page;
  let profile = '';
  const consoleErrors: string[] = [];

  before(async () => {
    server = await startServer();
    profile = mkdtempSync(join(tmpdir(), 'adjoint-chromium-'));
    // launchPersistentContext gives a fresh --user-data-dir of our own; the flags are the ones a root container needs.
    ctx = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 1100 },
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = ctx.pages()[0] ?? (await ctx.newPage());
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(`console.error: ${m.text()}`);
    });
    page.on('pageerror', (e) => consoleErrors.push(`page error: ${e.message}`));
    page.on('crash', () => consoleErrors.push('page crashed'));
  });

  after(async () => {
    await ctx?.close().catch(() => {});
    if (server !== undefined) server.child.kill('SIGTERM');
    if (profile !== '') rmSync(profile, { recursive: true, force: true });
  });

  test('circular padding: the pseudo-inverse recovers the noiseless sample (PSNR > 60 dB)', async () => {
    await page.goto(server!.url);
    const status = await waitForJob(page, 'circular');
    assert.equal(status, 'done', `page status: ${await page.textContent('#status')}`);
    const pinv = await psnrOf(page, 'pinv');
    const tik = await psnrOf(page, 'tikhonov');
    const kry = await psnrOf(page, 'krylov');
    assert.ok(pinv > 60, `pseudo-inverse PSNR ${pinv} dB, expected > 60`);
    // Regularised and truncated solutions are visibly worse than the exact inverse on noiseless data.
    assert.ok(Number.isFinite(tik) && Number.isFinite(kry) && tik < pinv && kry < pinv, `PSNRs pinv ${pinv}, Tikhonov ${tik}, Krylov ${kry}`);
    const shown = await page.textContent('[data-rec="pinv"] .psnr');
    assert.match(shown ?? '', /PSNR (\d+\.\d|∞) dB/);
    assert.ok((await canvasSpread(page, '[data-rec="pinv"] canvas')) > 10, 'the pseudo-inverse image is blank');
  });

  test("'same' padding: a reconstruction appears", async () => {
    const before = Number(await page.getAttribute('body', 'data-job'));
    // Few iterations keep this fast; every change re-runs, the page shows only the latest job.
    await page.fill('#iterations', '8');
    await page.fill('#max-iter', '10');
    await page.selectOption('#padding', 'same');
    const status = await waitForJob(page, 'same', before);
    assert.equal(status, 'done', `page status: ${await page.textContent('#status')}`);
    const job = await page.getAttribute('body', 'data-job');
    assert.ok(Number(job) > before, 'no new job was shown');
    for (const key of ['pinv', 'tikhonov', 'krylov']) {
      assert.equal(await page.getAttribute(`[data-rec="${key}"]`, 'data-job'), job, `${key} not redrawn`);
      const p = await psnrOf(page, key);
      assert.ok(Number.isFinite(p) && p > 15, `${key} PSNR ${p} dB`);
      assert.ok((await canvasSpread(page, `[data-rec="${key}"] canvas`)) > 10, `${key} image is blank`);
    }
    // Where the library build has the parallel hooks, the worker's helpers must have joined by now.
    const par = /Web Worker helpers: (\d+)/.exec((await page.textContent('#parallel')) ?? '');
    if (par !== null) assert.equal(await page.getAttribute('body', 'data-threads'), String(1 + Number(par[1])), 'helpers not used');
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, 'demo.png'), fullPage: true });
    assert.ok(existsSync(join(artifacts, 'demo.png')));
  });

  test('a dropped image is resized and converted to 3 or 1 channels', async () => {
    // The screenshot is a PNG over 1000 pixels each way: its longer side must come out 128, in colour, then in grey.
    let job = Number(await page.getAttribute('body', 'data-job'));
    await page.setInputFiles('#file', join(artifacts, 'demo.png'));
    assert.equal(await waitForJob(page, 'same', job), 'done', (await page.textContent('#status')) ?? '');
    assert.equal(await page.inputValue('#source'), 'file');
    const colour = (await page.textContent('#y-info')) ?? '';
    assert.match(colour, /^3×(128×\d+|\d+×128), same padding/); // the longer side becomes 128
    job = Number(await page.getAttribute('body', 'data-job'));
    await page.selectOption('#channels', '1');
    assert.equal(await waitForJob(page, 'same', job), 'done', (await page.textContent('#status')) ?? '');
    assert.equal((await page.textContent('#y-info'))?.split(',')[0], colour.replace(/^3×/, '1×').split(',')[0]);
    assert.ok((await canvasSpread(page, '#original')) > 10, 'the dropped image is blank');
  });

  test("the ESM bundle imports by name ('adjoint') in a page without a bundler", async () => {
    await page.goto(new URL('esm-check.html', server!.url).href);
    await page.waitForFunction(() => document.body.dataset['status'] !== 'loading', undefined, { timeout: 30_000 });
    assert.equal(await page.getAttribute('body', 'data-status'), 'done', (await page.textContent('#out')) ?? '');
    const res = JSON.parse((await page.textContent('#out')) ?? '{}') as { fftRoundTripError: number; sigma: number[]; dottest: { passed: boolean } };
    assert.ok(res.fftRoundTripError < 1e-12, `ifft(fft(x)) error ${res.fftRoundTripError}`);
    assert.equal(res.sigma.length, 4);
    assert.equal(res.dottest.passed, true);
  });

  test('no console errors', () => {
    assert.deepEqual(consoleErrors, []);
  });
});

// The demo's numerics under Node (no browser needed): what the page shows must be right, not only present.
describe('demo numerics', () => {
  const c = 2;
  const h = 6;
  const w = 5;
  const k = 3;
  const wT = new aj.Tensor(makeKernel('random', k, c, 3), [c, c, k, k], 'float64');
  const A = makeOperator(wT, [c, h, w], 'circular');
  const D = A.toDense(); // [c·h·w, c·h·w]

  test('the per-frequency singular values are all the singular values of the dense operator', () => {
    const spec = new CircularSpectrum(A, true);
    const got = Array.from(spec.S).sort((a, b) => b - a);
    const want = Array.from(aj.linalg.svdvals(D).data as Float64Array);
    assert.equal(got.length, want.length);
    for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i]! - want[i]!) <= 1e-12 * want[0]!, `σ_${i}: ${got[i]} vs ${want[i]}`);
  });

  test('pseudo-inverse and Tikhonov match the dense formulas', () => {
    const spec = new CircularSpectrum(A, true);
    const y = aj.randn([c, h, w], { seed: 5, dtype: 'float64' });
    const n = c * h * w;
    const d = D.data as Float64Array; // row-major n×n
    const yd = y.data as Float64Array;
    const matvec = (m: Float64Array, v: ArrayLike<number>): Float64Array => {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i]! += m[i * n + j]! * v[j]!;
      return out;
    };
    const lam = 0.3;
    // Tikhonov: (DᵀD + λ²I) x = Dᵀy, with the normal matrix built by naive loops.
    const reg = new Float64Array(n * n);
    const dty = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let sum = i === j ? lam * lam : 0;
        for (let r = 0; r < n; r++) sum += d[r * n + i]! * d[r * n + j]!;
        reg[i * n + j] = sum;
      }
      for (let r = 0; r < n; r++) dty[i]! += d[r * n + i]! * yd[r]!;
    }
    const tik = aj.linalg.solve(new aj.Tensor(reg, [n, n], 'float64'), new aj.Tensor(dty, [n, 1], 'float64')).data as Float64Array;
    const cases: Array<[string, (s: number) => number, Float64Array]> = [
      ['pinv', (s) => (s > 1e-10 ? 1 / s : 0), matvec(aj.linalg.pinv(D).data as Float64Array, yd)],
      ['tikhonov', (s) => s / (s * s + lam * lam), tik],
    ];
    for (const [name, phi, want] of cases) {
      const got = spec.solve(y, phi);
      let err = 0;
      let ref = 0;
      for (let i = 0; i < n; i++) {
        err = Math.max(err, Math.abs(got[i]! - want[i]!));
        ref = Math.max(ref, Math.abs(want[i]!));
      }
      assert.ok(err <= 1e-10 * ref, `${name}: max error ${err} (scale ${ref})`);
    }
  });

  test('noiseless circular deblurring of the sample is exact; noise makes Tikhonov beat the pseudo-inverse', () => {
    const img = sampleImage(1, 32, 32);
    const job = { id: 1, image: img, channels: 1, height: 32, width: 32, kernel: 'gaussian' as const, kernelSize: 5, padding: 'circular' as const, noise: 0, lambda: 0.05, iterations: 5, rtol: 1e-6, maxIter: 20, solver: 'lsqr' as const, seed: 0 };
    const clean = runDeconv(job);
    assert.ok(clean.recs[0]!.psnr > 150, `pinv PSNR ${clean.recs[0]!.psnr}`);
    assert.equal(clean.history[0]!.values.length, 5);
    const noisy = runDeconv({ ...job, noise: 0.05 });
    assert.ok(noisy.recs[1]!.psnr > noisy.recs[0]!.psnr, `Tikhonov ${noisy.recs[1]!.psnr} dB vs pinv ${noisy.recs[0]!.psnr} dB`);
    assert.equal(psnr(img, img), Infinity);
  });
});
