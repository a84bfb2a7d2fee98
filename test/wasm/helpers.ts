// Shared by the WebAssembly-twin tests: run a function with the wasm kernels disabled.

/**
 * Runs `fn` with the WebAssembly kernels disabled (the `ADJOINT_NO_WASM` switch of src/wasm/load.ts), restoring
 * the previous setting afterwards.
 */
export function withoutWasm<T>(fn: () => T): T {
  const g = globalThis as { ADJOINT_NO_WASM?: boolean };
  const old = g.ADJOINT_NO_WASM;
  g.ADJOINT_NO_WASM = true;
  try {
    return fn();
  } finally {
    if (old === undefined) delete g.ADJOINT_NO_WASM;
    else g.ADJOINT_NO_WASM = old;
  }
}
