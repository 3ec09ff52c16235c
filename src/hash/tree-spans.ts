/**
 * Pure arithmetic on the shape of a Glacier tree, in units of 1 MiB leaves: which leaves a node
 * covers, the smallest node around a run of leaves, and cutting a run of leaves into whole nodes.
 *
 * The tree over L leaves (Glacier developer guide, "Computing Checksums") pairs neighbours level by
 * level and promotes an unpaired last node unchanged, so the node at level j, index k covers leaves
 * [k·2^j, min((k+1)·2^j, L)). Everything here follows from that one formula. Callers validate sizes
 * and ranges; these helpers take whole numbers that are already known to be in bounds.
 *
 * Leaf counts reach 40,960,000 for the largest archive and sizes exceed 2^32, so this module uses
 * ordinary arithmetic (exact for integers below 2^53) and never bitwise operators.
 */
import { LEAF_SIZE } from '../core/constants.js';

/** A node of the tree: `level` 0 holds the leaves; `index` counts from the left within its level. */
export interface TreeNode {
  readonly level: number;
  readonly index: number;
}

/** Leaves [`first`, `end`) — half-open, unlike byte ranges, because it only ever counts leaves. */
export interface LeafSpan {
  readonly first: number;
  readonly end: number;
}

/**
 * Number of 1 MiB leaves in a payload of `size` bytes; an empty payload still has one (empty) leaf.
 * @example leafCount(3_250_000) // 4
 */
export function leafCount(size: number): number {
  return Math.max(1, Math.ceil(size / LEAF_SIZE));
}

/**
 * The smallest power of two that is ≥ `n` (n ≥ 1).
 * @example smallestPowerOfTwoAtLeast(5) // 8
 */
export function smallestPowerOfTwoAtLeast(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/**
 * The largest power of two that is ≤ `n` (n ≥ 1).
 * @example largestPowerOfTwoAtMost(5) // 4
 */
export function largestPowerOfTwoAtMost(n: number): number {
  let p = 1;
  while (p * 2 <= n) p *= 2;
  return p;
}

/**
 * The largest power of two that divides `n`, or `Infinity` for 0 (which every power divides).
 * @example largestPowerOfTwoDividing(12) // 4
 */
export function largestPowerOfTwoDividing(n: number): number {
  if (n === 0) return Infinity;
  let p = 1;
  while (n % (p * 2) === 0) p *= 2;
  return p;
}

/**
 * Height of the tree over `leaves` leaves: the root's level, ceil(log2 L).
 * @example treeHeight(7) // 3
 */
export function treeHeight(leaves: number): number {
  let height = 0;
  for (let width = 1; width < leaves; width *= 2) height++;
  return height;
}

/**
 * Number of nodes at `level` of the tree over `leaves` leaves (promoted nodes included).
 * @example levelWidth(7, 1) // 4
 */
export function levelWidth(leaves: number, level: number): number {
  return Math.ceil(leaves / 2 ** level);
}

/**
 * The leaves a node covers, or `undefined` when the tree over `leaves` leaves has no such node.
 * @example nodeLeafSpan({ level: 1, index: 3 }, 7) // { first: 6, end: 7 } (promoted last leaf)
 */
export function nodeLeafSpan(node: TreeNode, leaves: number): LeafSpan | undefined {
  const { level, index } = node;
  if (!Number.isInteger(level) || !Number.isInteger(index) || level < 0 || index < 0) return undefined;
  if (level > treeHeight(leaves) || index >= levelWidth(leaves, level)) return undefined;
  const width = 2 ** level;
  return { first: index * width, end: Math.min((index + 1) * width, leaves) };
}

/**
 * The lowest (smallest) node whose leaves include all of leaves `first`..`last` (inclusive), in the
 * tree over `leaves` leaves. Nodes containing a given leaf are nested, one per level, so the first
 * level at which both ends fall into the same node gives the smallest cover.
 * @example coveringNode(1, 2, 7) // { level: 2, index: 0 } (leaves 0..3)
 */
export function coveringNode(first: number, last: number, leaves: number): TreeNode {
  const height = treeHeight(leaves);
  for (let level = 0; level <= height; level++) {
    const width = 2 ** level;
    if (Math.floor(first / width) === Math.floor(last / width)) {
      return { level, index: Math.floor(first / width) };
    }
  }
  // Unreachable for in-bounds leaves: at the root level every leaf is in node 0.
  return { level: height, index: 0 };
}

/**
 * The lowest node whose leaves are exactly [`first`, `end`), or `undefined` if there is none.
 * @example nodeWithLeafSpan(4, 7, 7) // { level: 2, index: 1 }
 */
export function nodeWithLeafSpan(first: number, end: number, leaves: number): TreeNode | undefined {
  if (!(0 <= first && first < end && end <= leaves)) return undefined;
  const node = coveringNode(first, end - 1, leaves);
  const span = nodeLeafSpan(node, leaves)!;
  return span.first === first && span.end === end ? node : undefined;
}

/**
 * Cuts leaves [`first`, `end`) of the tree over `leaves` leaves into the fewest whole nodes, left to
 * right, none wider than `maxLeaves` (a power of two; `Infinity` for no limit). At each position it
 * takes the largest node that starts there, fits the limit, and ends inside the span — a node that
 * reaches the tree's last leaf may be narrower than its power of two, so a span ending at the last
 * leaf can end with such a short node. This is the canonical dyadic cut, which is minimal.
 * @example [...alignedLeafBlocks(1, 7, 7, Infinity)] // [1,2) [2,4) [4,7)
 */
export function* alignedLeafBlocks(first: number, end: number, leaves: number, maxLeaves: number): Generator<LeafSpan> {
  let position = first;
  while (position < end) {
    let width = Math.min(largestPowerOfTwoDividing(position), maxLeaves, smallestPowerOfTwoAtLeast(leaves));
    if (end < leaves) {
      while (position + width > end) width /= 2;
    } else {
      // The span runs to the tree's last leaf: a node may stop there early, but should not be wider
      // than needed (the smallest power covering the rest), so the node reported is the lowest one.
      width = Math.min(width, smallestPowerOfTwoAtLeast(end - position));
    }
    const blockEnd = Math.min(position + width, leaves);
    yield { first: position, end: blockEnd };
    position = blockEnd;
  }
}
