// Comparing a copy's leaf manifest with the archive's: which leaves are bad, and which
// tree-hash-aligned ranges to download again.
import type { ByteRange } from '../core/byte-range.js';
import { DIGEST_LENGTH } from '../core/constants.js';
import { equalDigests } from '../core/digest.js';
import { TreeHashError, describeValue } from '../core/errors.js';
import { alignedRangesForLeaves } from './download-plan.js';
import { type LeafManifest, digestsOf, isLeafManifest, leafSpanOf } from './manifest.js';

/** The verdict of {@link compareWithManifest}. All ranges are inclusive and in archive bytes. */
export interface ManifestComparison {
  /** True when the copy has the expected size and every leaf matches. */
  readonly ok: boolean;
  /** The part of the archive the copy should hold (the whole archive unless a range was given). */
  readonly range: ByteRange | undefined;
  /** The size the copy should have: the range's length (the manifest's size without a range). */
  readonly expectedSize: number;
  /** The copy's size. */
  readonly actualSize: number;
  /** Archive leaves whose bytes in the copy differ or are missing, ascending. */
  readonly badLeaves: readonly number[];
  /** The bad leaves as byte ranges, adjacent leaves merged. */
  readonly badRanges: readonly ByteRange[];
  /** The fewest tree-hash-aligned ranges holding exactly the bad leaves: what to download again, each with a checksum. */
  readonly refetchRanges: readonly ByteRange[];
  /** Bytes of the copy past the end of what it should hold (to cut off), if it is longer. */
  readonly extraBytes: ByteRange | undefined;
}

/**
 * Compares a copy (its own manifest, e.g. from `createLeafManifest()` or `manifestOfFile`) with
 * the archive's manifest: names each bad leaf and the ranges to fetch again. With `range`, the copy
 * holds only those bytes of the archive (a ranged retrieval or one downloaded piece); the range must
 * be megabyte aligned, so that the copy's leaves are the archive's.
 * @throws {TreeHashError} `ERR_INVALID_INPUT` for arguments that are not manifests; `ERR_INVALID_RANGE`
 *   / `ERR_RANGE_NOT_ALIGNED` for a range outside the archive or not megabyte aligned.
 * @example compareWithManifest(original, createLeafManifest(copyBytes)).refetchRanges
 */
export function compareWithManifest(manifest: LeafManifest, copy: LeafManifest, range?: ByteRange): ManifestComparison {
  if (!isLeafManifest(manifest) || !isLeafManifest(copy)) {
    throw new TreeHashError(
      'ERR_INVALID_INPUT',
      `compareWithManifest expects two LeafManifest objects, got ${describeValue(manifest)} and ${describeValue(copy)}`,
    );
  }
  let firstLeaf = 0;
  let endLeaf = manifest.leafCount;
  let expectedSize = manifest.size;
  if (range !== undefined) {
    ({ first: firstLeaf, end: endLeaf } = leafSpanOf(manifest, range)); // in bounds and megabyte aligned
    expectedSize = range.end + 1 - range.start;
  }
  const offset = range?.start ?? 0;
  const expected = digestsOf(manifest);
  const actual = digestsOf(copy);
  const badLeaves: number[] = [];
  for (let leaf = firstLeaf; leaf < endLeaf; leaf++) {
    // Leaves past the copy's end are missing; a leaf of another length (a cut or overlong last
    // leaf) has another digest, so comparing digests covers sizes too.
    const copyLeaf = leaf - firstLeaf;
    if (copyLeaf >= copy.leafCount || !equalDigests(expected, actual, leaf * DIGEST_LENGTH, copyLeaf * DIGEST_LENGTH)) badLeaves.push(leaf);
  }
  const badRanges: ByteRange[] = [];
  for (const leaf of badLeaves) {
    const leafRange = manifest.leafRange(leaf);
    if (leafRange === undefined) continue;
    const last = badRanges[badRanges.length - 1];
    if (last !== undefined && last.end + 1 === leafRange.start) badRanges[badRanges.length - 1] = { start: last.start, end: leafRange.end };
    else badRanges.push(leafRange);
  }
  const extraBytes = copy.size > expectedSize ? { start: offset + expectedSize, end: offset + copy.size - 1 } : undefined;
  const refetchRanges = manifest.size === 0 ? [] : alignedRangesForLeaves(badLeaves, manifest.size);
  return {
    ok: badLeaves.length === 0 && copy.size === expectedSize,
    range,
    expectedSize,
    actualSize: copy.size,
    badLeaves,
    badRanges,
    refetchRanges,
    extraBytes,
  };
}
