/**
 * `npm run bench [-- <substring> …]`: times every case in `bench/cases/*.ts`, runs the PyTorch peer
 * (`bench/peers/torch_peer.py`, 2 threads) for the cases naming a `peer` id, prints a table and, for a full run
 * (no filter), writes `bench/RESULTS.md` with the machine description. See docs/BENCH.md.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { timeIt, type BenchCase, type Timing } from './harness.js';
import { installNodeBackend, nodeBackendReady } from '../src/node/worker-pool.js';
import { getParallelBackend } from '../src/parallel/pool.js';

/** docs/ files whose measurements are appended to RESULTS.md, each under its own heading (levels shifted down). */
const HAND_RECORDS = ['docs/ISSUE5-CIRCULAR-PINV.md', 'docs/ISSUE9-APPROACHES.md'];

function handRecords(): string[] {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const out: string[] = [];
  for (const rel of HAND_RECORDS) {
    const text = readFileSync(join(root, rel), 'utf8').replace(/^(#+) /gm, '#$1 ');
    out.push(`## Recorded by hand: ${rel}`, '', text.trim(), '');
  }
  return out;
}

const here = dirname(fileURLToPath(import.meta.url));
const PYTHON = '/usr/bin/python3';
const PEER_THREADS = '2';

interface PeerResult {
  ms: number | null;
  note?: string;
}

interface Row {
  c: BenchCase;
  ours: Timing | null;
  error?: string;
  peer: PeerResult | null;
  jsPeer: Timing | null;
}

async function loadCases(filters: readonly string[]): Promise<BenchCase[]> {
  const dir = join(here, 'cases');
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts')).sort();
  const all: BenchCase[] = [];
  const last: BenchCase[] = [];
  for (const f of files) {
    const mod = (await import(pathToFileURL(join(dir, f)).href)) as { cases?: BenchCase[]; runLast?: boolean };
    if (!Array.isArray(mod.cases)) {
      console.warn(`bench: ${f} exports no 'cases' array; skipped`);
      continue;
    }
    // Modules that leave the process heavy (gigabytes of shared memory, grown WebAssembly memories) run after
    // all others, so that no later case runs in their wake. (A precaution: it did not explain the slower irfftn
    // of full runs — 390 ms before the move, 408 after, 124–146 ms alone; see the session notes.)
    (mod.runLast === true ? last : all).push(...mod.cases);
  }
  all.push(...last);
  return filters.length === 0 ? all : all.filter((c) => filters.some((s) => c.name.includes(s) || (c.peer ?? '').includes(s)));
}

/** Runs the torch peer once for all ids. Returns null results (with a reason) when torch is unavailable. */
function runTorchPeer(ids: readonly string[]): { results: Record<string, PeerResult>; problem?: string } {
  if (ids.length === 0) return { results: {} };
  const r = spawnSync(PYTHON, [join(here, 'peers', 'torch_peer.py'), ...ids], {
    env: { ...process.env, OMP_NUM_THREADS: PEER_THREADS, MKL_NUM_THREADS: PEER_THREADS, OPENBLAS_NUM_THREADS: PEER_THREADS },
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  if (r.error || r.status !== 0) {
    const why = r.error ? r.error.message : (r.stderr || '').trim().split('\n').slice(-3).join(' | ');
    return { results: {}, problem: `torch peer failed (${why || `exit ${r.status}`}); only our side was timed` };
  }
  const lines = r.stdout.trim().split('\n');
  try {
    return { results: JSON.parse(lines[lines.length - 1]!) as Record<string, PeerResult> };
  } catch {
    return { results: {}, problem: `torch peer printed no JSON: ${lines.slice(-2).join(' | ')}` };
  }
}

function torchVersion(): string {
  const r = spawnSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : 'not available';
}

function cpuModel(): string {
  try {
    const m = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) return m[1]!.trim();
  } catch {
    // not Linux: fall through to os.cpus()
  }
  return cpus()[0]?.model ?? 'unknown';
}

function fmtMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);
}

function notes(row: Row): string {
  const out: string[] = [];
  const { c, ours } = row;
  if (row.error) out.push(`error: ${row.error}`);
  if (ours && c.flops) out.push(`ours ${(c.flops / ours.medianMs / 1e6).toFixed(2)} GFLOP/s`);
  if (row.peer?.ms && c.flops) out.push(`torch ${(c.flops / row.peer.ms / 1e6).toFixed(2)} GFLOP/s`);
  if (ours && c.bytes) out.push(`ours ${(c.bytes / ours.medianMs / 1e6).toFixed(2)} GB/s`);
  if (ours) out.push(`ours CPU ${fmtMs(ours.cpuMedianMs)} ms (system ${fmtMs(ours.sysMedianMs)})`);
  if (row.jsPeer) out.push(`${c.peerName ?? 'JS peer'} ${fmtMs(row.jsPeer.medianMs)} ms (ratio ${ours ? (row.jsPeer.medianMs / ours.medianMs).toFixed(2) : '–'})`);
  if (row.peer?.note) out.push(`torch: ${row.peer.note}`);
  if (c.note) out.push(c.note);
  return out.join('; ');
}

function table(rows: readonly Row[]): string {
  const head = '| case | ours (ms) | peer (ms) | ratio peer/ours | notes |\n|---|---:|---:|---:|---|';
  const body = rows.map((r) => {
    const peerMs = r.peer?.ms ?? null;
    const ratio = r.ours && peerMs ? (peerMs / r.ours.medianMs).toFixed(2) : '–';
    return `| ${r.c.name} | ${fmtMs(r.ours?.medianMs)} | ${fmtMs(peerMs)} | ${ratio} | ${notes(r)} |`;
  });
  return [head, ...body].join('\n');
}

async function main(): Promise<void> {
  const filters = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  // Ours runs as a Node user gets it from `import 'adjoint'`: with the worker pool (ADJOINT_THREADS=1 disables it).
  installNodeBackend();
  await nodeBackendReady();
  const cases = await loadCases(filters);
  if (cases.length === 0) {
    console.error(`bench: no case matches ${filters.map((f) => `'${f}'`).join(', ')}`);
    process.exit(1);
  }
  const rows: Row[] = [];
  for (const c of cases) {
    process.stderr.write(`bench: ${c.name} … `);
    const row: Row = { c, ours: null, peer: null, jsPeer: null };
    // Start every case from a collected heap, so that garbage left by earlier cases (hundreds of MB of
    // tensors) is not collected inside this case's timing (`npm run bench` runs node with --expose-gc).
    (globalThis as { gc?: () => void }).gc?.();
    try {
      row.ours = timeIt(c.setup(), c.repeats ?? 5, c.warmup ?? 1);
      if (c.peerFn) row.jsPeer = timeIt(c.peerFn(), c.repeats ?? 5, c.warmup ?? 1);
    } catch (e) {
      row.error = e instanceof Error ? e.message : String(e);
    }
    process.stderr.write(`${fmtMs(row.ours?.medianMs)} ms\n`);
    rows.push(row);
  }
  const ids = cases.map((c) => c.peer).filter((p): p is string => typeof p === 'string');
  process.stderr.write(`bench: torch peer for ${ids.length} case(s) …\n`);
  const peer = runTorchPeer(ids);
  for (const r of rows) if (r.c.peer) r.peer = peer.results[r.c.peer] ?? { ms: null, note: peer.problem ? 'not run' : 'no result' };

  const machine = [
    `- CPU: ${cpuModel()} (${cpus().length} logical cores visible)`,
    `- Node ${process.version}; PyTorch ${torchVersion()} with ${PEER_THREADS} threads (torch.set_num_threads, OMP_NUM_THREADS); ours with ${1 + (getParallelBackend()?.helpers ?? 0)} thread(s) (worker pool; ADJOINT_THREADS overrides)`,
    `- Date: ${new Date().toISOString()}; load average at the end of the run ${loadavg().map((x) => x.toFixed(1)).join(' / ')} ` +
      '(other processes share the cores when this is above the core count: wall times then overstate both sides)',
  ].join('\n');
  const tbl = table(rows);
  console.log(`\n${machine}\n\n${tbl}\n`);
  if (peer.problem) console.log(`note: ${peer.problem}`);
  if (filters.length === 0) {
    const md = [
      '# Benchmark results',
      '',
      'Generated by `npm run bench` (bench/run.ts); do not edit by hand. Times are medians of repeats after warm-up.',
      'ratio = peer / ours, so > 1 means adjoint is faster.',
      '',
      machine,
      '',
      tbl,
      '',
      ...(peer.problem ? [`Note: ${peer.problem}`, ''] : []),
      // Measurements that do not fit a timed case (every approach tried for issue 9, including those that lost)
      // are kept by hand in docs/ and copied here, so RESULTS.md holds all the numbers in one place.
      ...handRecords(),
    ].join('\n');
    writeFileSync(join(here, 'RESULTS.md'), md);
    console.log('bench: wrote bench/RESULTS.md');
  } else {
    console.log('bench: filtered run, bench/RESULTS.md left unchanged');
  }
}

await main();
