// The committed base64 modules must be exactly what scripts/build-wasm.mjs assembles from the .wat sources.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

test('every generated *.wasm.ts matches its .wat source', () => {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  let ok = true;
  let msg = '';
  try {
    execFileSync(process.execPath, ['scripts/build-wasm.mjs', '--check'], { cwd: root, stdio: 'pipe' });
  } catch (e) {
    ok = false;
    msg = String((e as { stderr?: Buffer }).stderr ?? e);
  }
  assert.ok(ok, `stale WebAssembly modules; run node scripts/build-wasm.mjs\n${msg}`);
});
