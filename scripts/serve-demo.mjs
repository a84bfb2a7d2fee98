// `npm run demo`: builds the browser bundle and the deconvolution demo into dist/demo/, then serves that folder on
// 127.0.0.1 with node:http and prints the URL.
//
//   node scripts/serve-demo.mjs [--port N] [--build-only]
//
// --port N      port to listen on (default 8000; 0 picks a free port, which is then printed)
// --build-only  build dist/demo/ and exit
//
// The demo's own code (demo/*.ts) is bundled with esbuild, except the library: demo/deconv.ts imports
// '../src/index.js', which is rewritten here to the shipped ESM bundle './adjoint.js', so the page runs exactly
// what `npm run build` emits. The page is served cross-origin isolated (COOP/COEP) so that SharedArrayBuffer is
// available to the library in workers.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildBrowser, noNodeBuiltins } from './build-browser.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const demoSrc = join(root, 'demo');
const outDir = join(root, 'dist', 'demo');

function parseArgs(argv) {
  const opts = { port: 8000, buildOnly: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--build-only') opts.buildOnly = true;
    else if (a === '--port' || a.startsWith('--port=')) {
      const v = a === '--port' ? argv[++i] : a.slice('--port='.length);
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`--port must be an integer in [0, 65535], got ${v}`);
      opts.port = n;
    } else if (a === '--help' || a === '-h') {
      console.log('usage: node scripts/serve-demo.mjs [--port N] [--build-only]');
      process.exit(0);
    } else throw new Error(`unknown argument ${a} (usage: node scripts/serve-demo.mjs [--port N] [--build-only])`);
  }
  return opts;
}

/** The library import of the demo sources, served as the ESM bundle beside the page. */
const libraryAsBundle = {
  name: 'library-as-bundle',
  setup(build) {
    build.onResolve({ filter: /(^|\/)src\/index\.js$/ }, () => ({ path: './adjoint.js', external: true }));
  },
};

/** Builds dist/browser/ and dist/demo/. Returns the gzip size of the minified bundle. */
export async function buildDemo() {
  const sizes = await buildBrowser({ quiet: true });
  mkdirSync(outDir, { recursive: true });
  await esbuild.build({
    entryPoints: [join(demoSrc, 'main.ts'), join(demoSrc, 'worker.ts'), join(demoSrc, 'helper.ts')],
    outdir: outDir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    sourcemap: true,
    logLevel: 'warning',
    plugins: [libraryAsBundle, noNodeBuiltins],
  });
  for (const f of ['index.html', 'esm-check.html']) copyFileSync(join(demoSrc, f), join(outDir, f));
  for (const f of ['adjoint.js', 'adjoint.js.map']) copyFileSync(join(root, 'dist', 'browser', f), join(outDir, f));
  return sizes;
}

const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.css': 'text/css; charset=utf-8',
};

/** Serves dist/demo/ on 127.0.0.1:port (0: any free port). Resolves to the server and its URL. */
export function serveDemo(port) {
  const server = createServer((req, res) => {
    let path;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      res.writeHead(400).end('bad request');
      return;
    }
    const file = normalize(join(outDir, path === '/' ? 'index.html' : path));
    if (file !== outDir && !file.startsWith(outDir + sep)) {
      res.writeHead(403).end('forbidden');
      return;
    }
    let body;
    try {
      if (!statSync(file).isFile()) throw new Error('not a file');
      body = readFileSync(file);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${path}`);
      return;
    }
    res.writeHead(200, {
      'content-type': types[extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-embedder-policy': 'require-corp',
    });
    res.end(body);
  });
  return new Promise((resolveP, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const addr = server.address();
      resolveP({ server, url: `http://127.0.0.1:${addr.port}/` });
    });
  });
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const opts = parseArgs(process.argv.slice(2));
    const sizes = await buildDemo();
    const min = sizes.find((s) => s.file.endsWith('.min.js'));
    console.log(`built ${relative(root, outDir)}/ (library bundle: ${(min.gzipBytes / 1024).toFixed(1)} KiB gzipped, minified)`);
    if (!opts.buildOnly) {
      const { server, url } = await serveDemo(opts.port);
      console.log(`adjoint demo: ${url}`);
      const stop = () => server.close(() => process.exit(0));
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    }
  } catch (e) {
    console.error(`demo: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}
