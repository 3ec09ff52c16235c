import { describe, expect, it } from 'vitest';
import {
  alignedLeafBlocks,
  coveringNode,
  largestPowerOfTwoAtMost,
  largestPowerOfTwoDividing,
  leafCount,
  levelWidth,
  nodeLeafSpan,
  nodeWithLeafSpan,
  smallestPowerOfTwoAtLeast,
  treeHeight,
} from '../src/hash/tree-spans.js';

/** The tree over `leaves` leaves built level by level: per level, the [first, end) leaf span of each node. */
function bruteLevels(leaves: number): Array<Array<[number, number]>> {
  let level: Array<[number, number]> = Array.from({ length: leaves }, (_, i) => [i, i + 1]);
  const levels = [level];
  while (level.length > 1) {
    const next: Array<[number, number]> = [];
    for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? [level[i]![0], level[i + 1]![1]] : level[i]!);
    levels.push(next);
    level = next;
  }
  return levels;
}

describe('tree spans', () => {
  it('nodeLeafSpan, levelWidth, treeHeight and nodeWithLeafSpan match the level-by-level tree (1..300 leaves)', () => {
    for (let leaves = 1; leaves <= 300; leaves++) {
      const levels = bruteLevels(leaves);
      expect(treeHeight(leaves)).toBe(levels.length - 1);
      levels.forEach((nodes, level) => {
        expect(levelWidth(leaves, level)).toBe(nodes.length);
        nodes.forEach(([first, end], index) => {
          expect(nodeLeafSpan({ level, index }, leaves)).toEqual({ first, end });
          const lowest = levels.findIndex((l) => l.some(([f, e]) => f === first && e === end));
          expect(nodeWithLeafSpan(first, end, leaves)?.level).toBe(lowest);
        });
        expect(nodeLeafSpan({ level, index: nodes.length }, leaves)).toBeUndefined();
      });
      expect(nodeLeafSpan({ level: levels.length, index: 0 }, leaves)).toBeUndefined();
      if (leaves > 2) expect(nodeWithLeafSpan(1, 3, leaves)).toBeUndefined();
    }
  });

  it('coveringNode is the smallest node containing both leaves', () => {
    for (let leaves = 1; leaves <= 64; leaves++) {
      const all = bruteLevels(leaves).flatMap((nodes, level) => nodes.map(([f, e], index) => ({ level, index, f, e })));
      for (let a = 0; a < leaves; a++) {
        for (let b = a; b < leaves; b++) {
          const smallest = all.filter((n) => n.f <= a && b < n.e).reduce((x, y) => (y.e - y.f < x.e - x.f ? y : x));
          const node = coveringNode(a, b, leaves);
          expect(nodeLeafSpan(node, leaves)).toEqual({ first: smallest.f, end: smallest.e });
        }
      }
    }
  });

  it('alignedLeafBlocks yields whole nodes, in order, within the limit', () => {
    const failures: string[] = [];
    for (let leaves = 1; leaves <= 40; leaves++) {
      const spans = new Set(
        bruteLevels(leaves)
          .flat()
          .map(([f, e]) => `${f}-${e}`),
      );
      for (let first = 0; first < leaves; first++) {
        for (let end = first + 1; end <= leaves; end++) {
          for (const limit of [1, 2, 8, Infinity]) {
            let next = first;
            for (const block of alignedLeafBlocks(first, end, leaves, limit)) {
              const whole = block.first === next && spans.has(`${block.first}-${block.end}`) && block.end - block.first <= limit;
              if (!whole) failures.push(`${leaves}: [${first},${end}) limit ${limit}: block [${block.first},${block.end})`);
              next = block.end;
            }
            if (next !== end) failures.push(`${leaves}: [${first},${end}) limit ${limit} stopped at ${next}`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('power-of-two helpers and leaf counts, past 2^32', () => {
    expect(smallestPowerOfTwoAtLeast(1)).toBe(1);
    expect(smallestPowerOfTwoAtLeast(2 ** 40 + 1)).toBe(2 ** 41);
    expect(largestPowerOfTwoAtMost(2 ** 40 - 1)).toBe(2 ** 39);
    expect(largestPowerOfTwoDividing(3 * 2 ** 35)).toBe(2 ** 35);
    expect(largestPowerOfTwoDividing(0)).toBe(Infinity);
    expect(leafCount(0)).toBe(1);
    expect(leafCount(42_949_672_960_000)).toBe(40_960_000);
    expect(leafCount(42_949_672_960_001)).toBe(40_960_001);
  });
});
