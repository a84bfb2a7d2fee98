/**
 * Contraction order for einsum with several operands: which pair to contract next so the total FLOP count
 * (Σ over pairwise steps of the product of the sizes of all labels involved) is small.
 * Optimal by dynamic programming over operand subsets up to {@link DP_MAX} operands, greedy beyond.
 */

/** Largest operand count planned exactly (3^n subset splits). */
export const DP_MAX = 8;

/** A contraction tree: a leaf is an operand index, a node contracts its two children. */
export type ContractionTree = number | [ContractionTree, ContractionTree];

/**
 * Plans the contraction order.
 * @param labels  the (deduplicated) labels of each operand
 * @param output  the output labels
 * @param size    the size of each label
 *
 * @example
 * ```ts
 * // a[i,j] b[j,k] c[k] -> i : contract b with c first
 * planContraction([[0, 1], [1, 2], [2]], [0], new Map([[0, 100], [1, 100], [2, 100]])); // [0, [1, 2]]
 * ```
 */
export function planContraction(labels: readonly (readonly number[])[], output: readonly number[], size: ReadonlyMap<number, number>): ContractionTree {
  const n = labels.length;
  if (n === 1) return 0;
  const outSet = new Set(output);
  const sizeOf = (ls: Iterable<number>): number => {
    let p = 1;
    for (const l of ls) p *= size.get(l)!;
    return p;
  };
  if (n <= DP_MAX) return planDP(labels, outSet, sizeOf);
  return planGreedy(labels, outSet, sizeOf);
}

/** Labels that survive contracting the operands in `mask`: those in the output or in an operand outside. */
function keptLabels(mask: number, labels: readonly (readonly number[])[], outSet: ReadonlySet<number>): number[] {
  const inside = new Set<number>();
  const outside = new Set<number>(outSet);
  labels.forEach((ls, i) => {
    for (const l of ls) ((mask >> i) & 1 ? inside : outside).add(l);
  });
  return [...inside].filter((l) => outside.has(l));
}

function planDP(labels: readonly (readonly number[])[], outSet: ReadonlySet<number>, sizeOf: (ls: Iterable<number>) => number): ContractionTree {
  const n = labels.length;
  const full = (1 << n) - 1;
  const kept = new Array<number[]>(full + 1);
  const cost = new Float64Array(full + 1).fill(Infinity);
  const split = new Int32Array(full + 1);
  for (let s = 1; s <= full; s++) kept[s] = keptLabels(s, labels, outSet);
  for (let i = 0; i < n; i++) cost[1 << i] = 0;
  for (let s = 1; s <= full; s++) {
    if ((s & (s - 1)) === 0) continue;
    // Enumerate sub-masks t containing the lowest set bit of s, so each split is seen once.
    const low = s & -s;
    for (let t = (s - 1) & s; t > 0; t = (t - 1) & s) {
      if (!(t & low)) continue;
      const u = s ^ t;
      const base = cost[t]! + cost[u]!;
      if (base >= cost[s]!) continue;
      const c = base + sizeOf(new Set([...kept[t]!, ...kept[u]!]));
      if (c < cost[s]!) {
        cost[s] = c;
        split[s] = t;
      }
    }
  }
  const build = (s: number): ContractionTree => {
    if ((s & (s - 1)) === 0) return 31 - Math.clz32(s);
    const t = split[s]!;
    return [build(t), build(s ^ t)];
  };
  return build(full);
}

function planGreedy(labels: readonly (readonly number[])[], outSet: ReadonlySet<number>, sizeOf: (ls: Iterable<number>) => number): ContractionTree {
  let items: { tree: ContractionTree; labels: number[] }[] = labels.map((ls, i) => ({ tree: i, labels: [...ls] }));
  while (items.length > 1) {
    let best = [0, 1];
    let bestCost = Infinity;
    for (let i = 0; i < items.length; i++) {
      for (let j = i + 1; j < items.length; j++) {
        const c = sizeOf(new Set([...items[i]!.labels, ...items[j]!.labels]));
        if (c < bestCost) {
          bestCost = c;
          best = [i, j];
        }
      }
    }
    const [i, j] = best as [number, number];
    const others = new Set<number>(outSet);
    items.forEach((it, q) => {
      if (q !== i && q !== j) for (const l of it.labels) others.add(l);
    });
    const merged = [...new Set([...items[i]!.labels, ...items[j]!.labels])].filter((l) => others.has(l));
    const node = { tree: [items[i]!.tree, items[j]!.tree] as ContractionTree, labels: merged };
    items = items.filter((_, q) => q !== i && q !== j);
    items.push(node);
  }
  return items[0]!.tree;
}
