// Quick timings (with the worker pool that bench/cases/fft.ts installs; ADJOINT_THREADS=1 for one thread) of the fft cases (bench/cases/fft.ts) without the PyTorch peer:
//   node --import tsx bench/fft-quick.ts [filter]
// Prints the median wall time and the median CPU time of this process, helper threads included (the better
// figure on a shared machine), and the fastest wall time (steadier for A/B comparisons on a noisy machine).
// FFT_QUICK_REPEATS=N overrides each case's repeat count.
import { cases } from './cases/fft.js';

const filter = process.argv[2] ?? '';

const repeatsOverride = Number(process.env.FFT_QUICK_REPEATS ?? '0');

function time(fn: () => unknown, repeats: number): { wall: number; cpu: number; min: number } {
  fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  const med = (a: number[]): number => a.sort((x, y) => x - y)[a.length >> 1]!;
  return { wall: med(wall), cpu: med(cpu), min: Math.min(...wall) };
}

for (const c of cases) {
  if (!c.name.includes(filter)) continue;
  const t = time(c.setup(), repeatsOverride || (c.repeats ?? 5));
  let peer = '';
  if (c.peerFn) {
    const p = time(c.peerFn(), repeatsOverride || (c.repeats ?? 5));
    peer = `   ${c.peerName ?? 'peer'}: ${p.wall.toFixed(1)} ms wall, ${p.cpu.toFixed(1)} ms cpu`;
  }
  console.log(`${c.name.padEnd(40)} ${t.wall.toFixed(1).padStart(8)} ms wall (min ${t.min.toFixed(1)}) ${t.cpu.toFixed(1).padStart(8)} ms cpu${peer}`);
}
