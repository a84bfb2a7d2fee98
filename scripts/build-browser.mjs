// Builds the browser ESM bundle of the browser-safe entry (src/index.ts) with esbuild:
//   dist/browser/adjoint.js       readable, with a source map
//   dist/browser/adjoint.min.js   minified, with a source map
// and prints both sizes, gzipped. The build fails if anything pulls in a Node built-in (node:*, fs, worker_threads…):
// src/index.ts must stay browser-safe (the Node-only parts live in src/node, src/io/index.ts and src/cli).
//
// Usage: node scripts/build-browser.mjs [--quiet]
// Also importable: `import { buildBrowser } from './build-browser.mjs'` (used by scripts/serve-demo.mjs).
import * as esbuild from 'esbuild';
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'dist', 'browser');

const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/** esbuild plugin: any import of a Node built-in is a build error naming the importer. */
export const noNodeBuiltins = {
  name: 'no-node-builtins',
  setup(build) {
    build.onResolve({ filter: /^[a-z_:/]+$/ }, (args) => {
      if (!args.path.startsWith('node:') && !builtins.has(args.path)) return undefined;
      return {
        errors: [{ text: `Node built-in '${args.path}' imported from ${relative(root, args.importer)}: the browser entry must not use Node modules` }],
      };
    });
  },
};

/**
 * Bundles src/index.ts for browsers. Returns the output paths and their raw and gzip sizes in bytes.
 * Throws (esbuild's error) when a Node built-in is imported.
 */
export async function buildBrowser({ quiet = false } = {}) {
  const common = {
    entryPoints: [join(root, 'src', 'index.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    sourcemap: true,
    logLevel: quiet ? 'silent' : 'warning',
    plugins: [noNodeBuiltins],
    legalComments: 'none',
  };
  const files = [
    { file: join(outDir, 'adjoint.js'), minify: false },
    { file: join(outDir, 'adjoint.min.js'), minify: true },
  ];
  const out = [];
  for (const f of files) {
    await esbuild.build({ ...common, outfile: f.file, minify: f.minify });
    const bytes = readFileSync(f.file);
    if (!f.minify) {
      const hits = findNodeGlobals(bytes.toString('utf8'));
      if (hits.length > 0) {
        const where = hits.map((h) => `  ${h.source} (${relative(root, f.file)}:${h.line}): ${h.match} in: ${h.context}`).join('\n');
        throw new Error(`the browser bundle uses Node globals (a browser throws ReferenceError there):\n${where}`);
      }
    }
    out.push({ file: f.file, bytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length });
  }
  return out;
}

// Node globals that a browser does not have. esbuild leaves free identifiers alone, so `process.env.X` in a
// src file bundles fine and throws a ReferenceError only when the browser reaches it: scan the output for them.
const NODE_GLOBALS = /\b(?:process\.(?:env|argv|versions|platform|nextTick|exit|cwd|hrtime|memoryUsage|stdout|stderr)|Buffer\.(?:from|alloc|allocUnsafe|isBuffer|concat)|require\(|__dirname|__filename)/g;

/** The `{ match, line, context }` of every Node global used in `code` (empty when the bundle is browser-safe). */
export function findNodeGlobals(code) {
  const hits = [];
  const seen = new Set();
  for (const m of code.matchAll(NODE_GLOBALS)) {
    const line = code.slice(0, m.index).split('\n').length;
    if (seen.has(`${line}:${m[0]}`)) continue;
    seen.add(`${line}:${m[0]}`);
    const lines = code.split('\n');
    // esbuild's readable output starts each module with a `// path/to/source.ts` comment.
    let source = '?';
    for (let i = line - 1; i >= 0; i--) {
      const s = /^\/\/ (\S+\.[cm]?[jt]s)$/.exec(lines[i] ?? '');
      if (s !== null) {
        source = s[1];
        break;
      }
    }
    const text = lines[line - 1] ?? '';
    // A use guarded on the same line (`typeof process !== 'undefined' && process.env.X`) is browser-safe.
    const name = m[0].startsWith('process') ? 'process' : m[0].startsWith('Buffer') ? 'Buffer' : m[0].startsWith('require') ? 'require' : m[0];
    if (text.includes(`typeof ${name}`)) continue;
    hits.push({ match: m[0], line, source, context: text.trim().slice(0, 160) });
  }
  return hits;
}

const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const quiet = process.argv.includes('--quiet');
  try {
    const res = await buildBrowser({ quiet });
    for (const r of res) console.log(`${relative(root, r.file)}: ${kb(r.bytes)}, gzip ${kb(r.gzipBytes)} (${r.gzipBytes} bytes)`);
  } catch (e) {
    console.error(`browser build failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}
