/**
 * Reverse-mode autodiff: recorded ops, `variable`, `gradients`/`grad`/`valueAndGrad`/`backward`, `noGrad`,
 * `gradcheck`. See public.ts for what the package exports.
 * @module
 */
export * from './public.js';
