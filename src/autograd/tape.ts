/**
 * The tape: grad mode, the nodes recorded by differentiable ops, and the reverse sweep.
 *
 * Each recorded op result points at one {@link Node}; a node holds its inputs (the edges of the graph) and a
 * backward closure over the tensors it saved. A reverse sweep visits the nodes reachable from the loss in
 * decreasing creation order (a topological order, since a node is always created after its inputs), and
 * frees each node's closure and edges right after using them, so a training loop keeps no memory alive
 * from one step to the next. {@link liveNodeCount} counts nodes recorded and not yet freed.
 */
import { AdjointError } from '../errors.js';
import { isComplex } from '../tensor/dtype.js';
import { add } from '../tensor/elementwise.js';
import { Tensor, type GradFnRef } from '../tensor/tensor.js';

/** Gradients for each input of a node (null: no gradient for that input). */
export type BackwardFn = (gradOut: Tensor) => ReadonlyArray<Tensor | null>;

let gradEnabled = true;
let nodeSeq = 0;
let liveNodes = 0;

/**
 * A recorded op. `inputs[i]` is the i-th differentiable input (or null for a constant); `backward` maps the
 * gradient of the output to one gradient per input.
 * @internal
 * @example `new Node('mul', [a, b], (g) => [g, g])`
 */
export class Node implements GradFnRef {
  readonly opName: string;
  readonly seq: number;
  inputs: Array<Tensor | null>;
  backward: BackwardFn | null;
  /** Set for ops whose output has no derivative (argmax, comparisons): reaching them is an error. */
  readonly nonDifferentiable: boolean;
  private released = false;
  constructor(opName: string, inputs: Array<Tensor | null>, backward: BackwardFn | null, nonDifferentiable = false) {
    this.opName = opName;
    this.seq = nodeSeq++;
    this.inputs = inputs;
    this.backward = backward;
    this.nonDifferentiable = nonDifferentiable;
    liveNodes++;
  }
  /** Drops the saved tensors and the edges. */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.backward = null;
    this.inputs = [];
    liveNodes--;
  }
}

/**
 * Whether ops are being recorded now.
 * @example `isGradEnabled() // true outside noGrad`
 */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

/**
 * Runs `fn` with recording switched off (PyTorch's `torch.no_grad()`): results of ops inside do not require
 * gradients. Nests; restores the previous mode even when `fn` throws.
 *
 * @example
 * ```ts
 * const y = noGrad(() => w.mul(2)); // y.requiresGrad === false
 * ```
 */
export function noGrad<T>(fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

/** @internal Runs `fn` with recording switched on (used by `gradients` so a caller's noGrad does not hide the loss). @example `withGrad(() => loss(w))` */
export function withGrad<T>(fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = true;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

/**
 * Number of recorded nodes whose saved tensors are still held (recorded and not yet consumed by a backward
 * sweep). After `backward`/`gradients` on a loss, every node that fed it is freed, so in a training loop
 * this returns to its starting value after each step. Nodes of recorded results that never reach a backward
 * pass stay counted, although the garbage collector reclaims them with the results.
 *
 * @example
 * ```ts
 * const before = liveNodeCount();
 * gradients(loss, [w]);
 * liveNodeCount() === before; // true
 * ```
 */
export function liveNodeCount(): number {
  return liveNodes;
}

/** @internal True when some argument is a tensor that requires grad and grad mode is on. @example `needsGrad([a, 2])` */
export function needsGrad(args: readonly unknown[]): boolean {
  if (!gradEnabled) return false;
  for (const a of args) if (a instanceof Tensor && a.requiresGrad) return true;
  return false;
}

/** The tensor to attach a node to: `out` itself unless it is one of the inputs (ops may return an input). */
function fresh(out: Tensor, inputs: ReadonlyArray<unknown>): Tensor {
  if (out.requiresGrad || out.gradFn !== null || inputs.includes(out)) return out.detach();
  return out;
}

/**
 * @internal Records `out` as produced by `opName` from `inputs` (tensors that do not require grad, and
 * non-tensors, become null edges). Returns the tensor carrying the node (a fresh alias when `out` is an input).
 * @example `record('neg', [x], out, (g) => [neg(g)])`
 */
export function record(opName: string, inputs: readonly unknown[], out: Tensor, backward: BackwardFn): Tensor {
  const edges = inputs.map((a) => (a instanceof Tensor && a.requiresGrad ? a : null));
  const r = fresh(out, inputs);
  r.requiresGrad = true;
  r.gradFn = new Node(opName, edges, backward);
  return r;
}

/** @internal Marks `out` as the result of a non-differentiable op: a backward sweep that reaches it throws. @example `recordNonDifferentiable('argmax', [x], out)` */
export function recordNonDifferentiable(opName: string, inputs: readonly unknown[], out: Tensor): Tensor {
  const r = fresh(out, inputs);
  r.requiresGrad = true;
  r.gradFn = new Node(opName, [], null, true);
  return r;
}

/** Options of a reverse sweep. */
export interface SweepOptions {
  /** Keep the nodes (and their saved tensors) for another sweep. Default false. */
  retainGraph?: boolean;
}

/**
 * @internal The reverse sweep: propagates `seed` from `root` and returns the gradient reaching each target
 * tensor (undefined where none reaches it). `targets` null: every leaf reached.
 * @example `sweep(loss, ones([]), [w])`
 */
export function sweep(root: Tensor, seed: Tensor, targets: readonly Tensor[] | null, options: SweepOptions = {}): Map<Tensor, Tensor> {
  const retain = options.retainGraph ?? false;
  const result = new Map<Tensor, Tensor>();
  const targetSet = targets ? new Set(targets) : null;
  // A target that is itself a non-leaf (gradient w.r.t. an intermediate) is not supported: say so.
  if (targetSet) {
    for (const t of targetSet) {
      if (t.gradFn !== null && t !== root) {
        throw new AdjointError(`gradients: targets must be leaf tensors (variables); one was produced by '${t.gradFn.opName}' — use detach() and requiresGrad_() to make a leaf`);
      }
    }
  }
  // grads of non-leaf tensors are keyed by their node, of leaves by the tensor.
  const pending = new Map<object, Tensor>();
  const accumulate = (key: object, g: Tensor): void => {
    const prev = pending.get(key);
    pending.set(key, prev === undefined ? g : addGrads(prev, g));
  };
  // Collect the reachable nodes.
  const nodes: Node[] = [];
  const seen = new Set<Node>();
  const stack: Tensor[] = [root];
  while (stack.length > 0) {
    const t = stack.pop()!;
    const n = t.gradFn as Node | null;
    if (n === null || seen.has(n)) continue;
    seen.add(n);
    nodes.push(n);
    for (const e of n.inputs) if (e !== null) stack.push(e);
  }
  nodes.sort((a, b) => b.seq - a.seq);
  const startKey: object = root.gradFn ?? root;
  accumulate(startKey, seed);
  try {
    for (const n of nodes) {
      const g = pending.get(n);
      pending.delete(n);
      if (g === undefined) {
        if (!retain) n.release();
        continue;
      }
      if (n.nonDifferentiable) {
        throw new AdjointError(
          `gradients: the loss depends on the output of '${n.opName}', which is not differentiable; detach() that path (or compute it under noGrad) if it is meant to be a constant`,
          n.opName,
        );
      }
      if (n.backward === null) {
        throw new AdjointError(`gradients: the graph through '${n.opName}' was already used by an earlier backward pass and freed; pass { retainGraph: true } to the first one to sweep twice`);
      }
      const inputs = n.inputs;
      const grads = noGrad(() => n.backward!(g));
      if (!retain) n.release();
      for (let i = 0; i < inputs.length; i++) {
        const inp = inputs[i];
        const gi = grads[i];
        if (!inp || !gi) continue;
        if (inp.gradFn !== null) accumulate(inp.gradFn, gi);
        else accumulate(inp, gi);
      }
    }
  } finally {
    // On an error part-way, free the rest too, so a failed sweep leaves nothing pinned.
    if (!retain) for (const n of nodes) n.release();
  }
  for (const [k, g] of pending) {
    if (k instanceof Tensor) {
      if (targetSet === null || targetSet.has(k)) result.set(k, g);
    }
  }
  return result;
}

/** Sum of two gradients of the same tensor (same shape; dtypes may differ by promotion). */
function addGrads(a: Tensor, b: Tensor): Tensor {
  return add(a, b);
}

/** @internal True when a tensor's dtype can carry gradients. @example `isDifferentiableDtype(x)` */
export function isDifferentiableDtype(t: Tensor): boolean {
  return t.dtype === 'float32' || t.dtype === 'float64' || isComplex(t.dtype);
}
