/**
 * Leaf manifests: every 1 MiB leaf digest of an archive, kept beside it (made at upload time) so
 * that, without the data, one knows the tree hash of any megabyte-aligned range, and, given a
 * damaged copy, exactly which leaves are bad and which tree-hash-aligned ranges to download again.
 *
 * ## File format, version 1
 *
 * One line of ASCII text, then the digests in binary:
 *
 * ```
 * glacier-treehash-manifest 1 size=<S> leaf-size=1048576 leaves=<L> tree-hash=<H> check=<C>\n
 * <L × 32 bytes: SHA-256 of leaf 0, leaf 1, … leaf L−1>
 * ```
 *
 * - Fields are separated by one space, in exactly this order; `S` is the archive size in bytes
 *   (decimal, no leading zeros), `L` = max(1, ceil(S / 1 MiB)), `H` the archive's tree hash as 64
 *   lowercase hex digits. `leaf-size` is always 1048576 (Glacier's leaf size); it is written so the
 *   file describes itself.
 * - The file is exactly (header line + 32·L) bytes long. Leaf i covers bytes
 *   [i·1 MiB, min((i+1)·1 MiB, S) − 1]; the last may be short, and an empty payload has one leaf,
 *   SHA-256("").
 * - `C` is the SHA-256 (64 lowercase hex digits) of the file with ` check=<C>` removed, i.e. of the
 *   header up to `H`, a newline, and the digests. The leaf digests must also combine to `H`. So any
 *   damage in storage is detected on reading — including a changed size, which the digests alone
 *   cannot reveal when the new size falls in the same last leaf.
 * - `head -1` shows what it is; the digests cost 32 bytes per MiB (1/32768 of the archive). A
 *   change that old readers cannot ignore gets a new version number; readers refuse versions they
 *   do not know.
 */
import { type BytesLike, toBytes } from '../core/bytes.js';
import { DIGEST_LENGTH, LEAF_SIZE } from '../core/constants.js';
import { TreeHashError, describeValue } from '../core/errors.js';
import { TreeHasher, createLinearSha256 } from '../hash/tree-hasher.js';
import { toHex } from '../core/hex.js';
import { type ByteRange, alignedRangesForLeaves, assertByteRange, explainRetrievalRange } from './ranges.js';
import { combineTreeHashes } from '../hash/combine.js';
import { leafCount } from '../hash/tree-spans.js';

/** First word of a manifest file. */
export const LEAF_MANIFEST_MAGIC = 'glacier-treehash-manifest';
/** The format version this library writes and reads. */
export const LEAF_MANIFEST_VERSION = 1;

// Leaves combined per call into a 2^16-leaf subtree: bounds the temporary arrays for huge archives
// (40,960,000 leaves) while keeping each call large.
const BLOCK_LEAVES = 65_536;
// A header line is short (≈ 170 bytes); anything without a newline this early is not a manifest.
const MAX_HEADER_LENGTH = 512;

/** The tree hash of leaves [first, end) of a concatenated digest list, as a tree of their own. */
function rootOfLeaves(digests: Uint8Array, first: number, end: number): Uint8Array {
  const blockRoots: Uint8Array[] = [];
  for (let block = first; block < end; block += BLOCK_LEAVES) {
    const blockEnd = Math.min(block + BLOCK_LEAVES, end);
    const leaves: Uint8Array[] = [];
    for (let i = block; i < blockEnd; i++) leaves.push(digests.subarray(i * DIGEST_LENGTH, (i + 1) * DIGEST_LENGTH));
    blockRoots.push(combineTreeHashes(leaves));
  }
  // Equal 2^16-leaf blocks (the last one shorter) are nodes, so their roots combine like parts.
  return combineTreeHashes(blockRoots);
}

/**
 * The size, leaf digests and tree hash of one archive. Create with {@link createLeafManifest},
 * {@link createLeafManifestBuilder}, {@link LeafManifest.fromLeafDigests} or
 * {@link decodeLeafManifest}; store with {@link LeafManifest.encode}.
 * @example const manifest = createLeafManifest(bytes); manifest.leafCount; toHex(manifest.treeHash)
 */
export class LeafManifest {
  /** Archive size in bytes. */
  readonly size: number;
  /** Always 1 MiB (Glacier's leaf size). */
  readonly leafSize: number = LEAF_SIZE;
  /** Number of leaves: max(1, ceil(size / 1 MiB)). */
  readonly leafCount: number;
  /** The archive's tree hash (32 bytes). */
  readonly treeHash: Uint8Array;
  readonly #digests: Uint8Array;

  /** @internal Use the factories; `digests` must hold exactly the leaves of `size` bytes. */
  constructor(size: number, digests: Uint8Array, treeHash: Uint8Array) {
    this.size = size;
    this.leafCount = leafCount(size);
    this.#digests = digests;
    this.treeHash = treeHash;
  }

  /**
   * A manifest from the leaf digests of an archive of `size` bytes (as an array of 32-byte digests
   * or one concatenated Uint8Array). The tree hash is computed from them.
   * @throws {TreeHashError} `ERR_INVALID_SIZE` for a bad size; `ERR_INVALID_MANIFEST` when the
   *   number of digests does not match the size.
   * @example LeafManifest.fromLeafDigests(3_250_000, [d0, d1, d2, d3])
   */
  static fromLeafDigests(size: number, leafDigests: readonly Uint8Array[] | Uint8Array): LeafManifest {
    assertManifestSize(size);
    let digests: Uint8Array;
    if (leafDigests instanceof Uint8Array) {
      digests = leafDigests.slice();
    } else if (Array.isArray(leafDigests)) {
      digests = new Uint8Array(leafDigests.length * DIGEST_LENGTH);
      leafDigests.forEach((digest, i) => {
        if (!(digest instanceof Uint8Array) || digest.length !== DIGEST_LENGTH) {
          throw new TreeHashError('ERR_INVALID_DIGEST', `leafDigests[${i}] must be a 32-byte Uint8Array, got ${describeValue(digest)}`);
        }
        digests.set(digest, i * DIGEST_LENGTH);
      });
    } else {
      throw new TreeHashError('ERR_INVALID_INPUT', `leafDigests must be an array of digests or a Uint8Array, got ${describeValue(leafDigests)}`);
    }
    return manifestOf(size, digests);
  }

  /**
   * The SHA-256 of leaf `index` (a copy).
   * @throws {TreeHashError} `ERR_INVALID_RANGE` for an index outside 0..leafCount−1.
   * @example manifest.leafDigest(0)
   */
  leafDigest(index: number): Uint8Array {
    this.#checkLeaf(index);
    return this.#digests.slice(index * DIGEST_LENGTH, (index + 1) * DIGEST_LENGTH);
  }

  /**
   * The bytes of leaf `index` (inclusive end); for an empty archive, `undefined`.
   * @throws {TreeHashError} `ERR_INVALID_RANGE` for an index outside 0..leafCount−1.
   * @example manifest.leafRange(3) // { start: 3145728, end: 3249999 } for 3,250,000 bytes
   */
  leafRange(index: number): ByteRange | undefined {
    this.#checkLeaf(index);
    if (this.size === 0) return undefined;
    return { start: index * LEAF_SIZE, end: Math.min((index + 1) * LEAF_SIZE, this.size) - 1 };
  }

  #checkLeaf(index: number): void {
    if (!Number.isSafeInteger(index) || index < 0 || index >= this.leafCount) {
      throw new TreeHashError(
        'ERR_INVALID_RANGE',
        `leaf index must be a whole number from 0 to ${this.leafCount - 1}, got ${describeValue(index)}`,
      );
    }
  }

  /**
   * The tree hash of a range of the archive, from the digests alone. The range must be megabyte
   * aligned (a valid `RetrievalByteRange`); for a tree-hash-aligned range this is the checksum
   * GetJobOutput returns and DescribeJob's `SHA256TreeHash`.
   * @throws {TreeHashError} `ERR_INVALID_RANGE` for a malformed or out-of-bounds range;
   *   `ERR_RANGE_NOT_ALIGNED` for a range that does not start and end on leaf boundaries.
   * @example toHex(manifest.rangeTreeHash({ start: 4194304, end: 6815743 }))
   */
  rangeTreeHash(range: ByteRange): Uint8Array {
    const { first, end } = this._leafSpan(range);
    return rootOfLeaves(this.#digests, first, end);
  }

  /**
   * @internal The leaves [first, end) of a range, after {@link rangeTreeHash}'s checks (with its
   * errors), without hashing anything.
   */
  _leafSpan(range: ByteRange): { first: number; end: number } {
    assertByteRange(range);
    if (this.size === 0 || range.start < 0 || range.start > range.end || range.end >= this.size) {
      throw new TreeHashError(
        'ERR_INVALID_RANGE',
        `range ${range.start}-${range.end} is not inside the ${this.size}-byte archive (need 0 ≤ start ≤ end < size)`,
      );
    }
    const reason = explainRetrievalRange(range, this.size);
    if (reason !== null) {
      throw new TreeHashError(
        'ERR_RANGE_NOT_ALIGNED',
        `a manifest knows whole leaves only, so the range must be megabyte aligned: ${reason}`,
      );
    }
    return { first: range.start / LEAF_SIZE, end: Math.ceil((range.end + 1) / LEAF_SIZE) };
  }

  /**
   * The manifest file's bytes (format in this module's documentation).
   * @example await writeFile('archive.tar.manifest', manifest.encode())
   */
  encode(): Uint8Array {
    const fields =
      `${LEAF_MANIFEST_MAGIC} ${LEAF_MANIFEST_VERSION} size=${this.size} leaf-size=${LEAF_SIZE} ` +
      `leaves=${this.leafCount} tree-hash=${toHex(this.treeHash)}`;
    const header = new TextEncoder().encode(`${fields} check=${manifestCheck(fields, this.#digests)}\n`);
    const out = new Uint8Array(header.length + this.#digests.length);
    out.set(header, 0);
    out.set(this.#digests, header.length);
    return out;
  }

  /** @internal The concatenated digests, not copied (for comparisons). */
  get _digests(): Uint8Array {
    return this.#digests;
  }
}

/** The `check` field: SHA-256 of the header fields before it, a newline, and the digests. */
function manifestCheck(fields: string, digests: Uint8Array): string {
  // Fed in two pieces: no copy of the digests (up to 1.3 GB for the largest archive).
  const check = createLinearSha256();
  check.update(new TextEncoder().encode(`${fields}\n`));
  check.update(digests);
  return toHex(check.digest());
}

function invalidManifest(why: string): never {
  throw new TreeHashError('ERR_INVALID_MANIFEST', `not a valid leaf manifest: ${why}`);
}

/**
 * Reads a manifest file's bytes, checking every field and that the digests combine to the
 * recorded tree hash.
 * @throws {TreeHashError} `ERR_INVALID_MANIFEST` for anything else, saying what was wrong.
 * @example const manifest = decodeLeafManifest(await readFile('archive.tar.manifest'))
 */
export function decodeLeafManifest(bytes: BytesLike): LeafManifest {
  const data = toBytes(bytes, 'manifest');
  const newline = data.subarray(0, MAX_HEADER_LENGTH).indexOf(0x0a);
  if (newline < 0) invalidManifest(`no header line ending in a newline within the first ${MAX_HEADER_LENGTH} bytes`);
  const header = String.fromCharCode(...data.subarray(0, newline));
  const fields = header.split(' ');
  if (fields[0] !== LEAF_MANIFEST_MAGIC) invalidManifest(`it should start with "${LEAF_MANIFEST_MAGIC}", got ${describeValue(fields[0])}`);
  if (fields[1] !== String(LEAF_MANIFEST_VERSION)) {
    invalidManifest(`format version ${describeValue(fields[1])} is not supported (this library reads version ${LEAF_MANIFEST_VERSION})`);
  }
  const keys = ['size', 'leaf-size', 'leaves', 'tree-hash', 'check'];
  if (fields.length !== 2 + keys.length) invalidManifest(`expected the fields ${keys.join(', ')} in the header, got ${describeValue(header)}`);
  const values = keys.map((key, i) => {
    const field = fields[2 + i]!;
    if (!field.startsWith(`${key}=`)) invalidManifest(`header field ${i + 3} should be ${key}=…, got ${describeValue(field)}`);
    return field.slice(key.length + 1);
  });
  const [sizeText, leafSizeText, leavesText, treeHashText, checkText] = values as [string, string, string, string, string];
  const decimal = /^(0|[1-9]\d*)$/;
  const size = Number(sizeText);
  if (!decimal.test(sizeText) || !Number.isSafeInteger(size)) invalidManifest(`size=${sizeText} is not a byte count`);
  if (leafSizeText !== String(LEAF_SIZE)) invalidManifest(`leaf-size=${leafSizeText}; Glacier's leaf size is ${LEAF_SIZE}`);
  const leaves = leafCount(size);
  if (leavesText !== String(leaves)) invalidManifest(`leaves=${leavesText}, but ${size} bytes make ${leaves} leaves`);
  if (!/^[0-9a-f]{64}$/.test(treeHashText)) invalidManifest(`tree-hash=${treeHashText} is not 64 lowercase hex digits`);
  const body = data.subarray(newline + 1);
  if (body.length !== leaves * DIGEST_LENGTH) {
    invalidManifest(`${leaves} leaves need ${leaves * DIGEST_LENGTH} bytes of digests after the header, got ${body.length} (truncated or padded?)`);
  }
  const checked = header.slice(0, header.lastIndexOf(' check='));
  if (manifestCheck(checked, body) !== checkText) {
    invalidManifest(`its check=${checkText} is not the SHA-256 of its header and digests: the file is damaged`);
  }
  const manifest = LeafManifest.fromLeafDigests(size, body);
  if (toHex(manifest.treeHash) !== treeHashText) {
    invalidManifest(`its leaf digests combine to ${toHex(manifest.treeHash)}, not the recorded tree-hash=${treeHashText}: the file is damaged`);
  }
  return manifest;
}

function assertManifestSize(size: unknown): asserts size is number {
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    throw new TreeHashError('ERR_INVALID_SIZE', `size must be a whole number of bytes ≥ 0, got ${describeValue(size)}`);
  }
}

/** A manifest that takes over `digests` (no copy), once their count fits `size`. */
function manifestOf(size: number, digests: Uint8Array): LeafManifest {
  const expected = leafCount(size);
  if (digests.length !== expected * DIGEST_LENGTH) {
    throw new TreeHashError(
      'ERR_INVALID_MANIFEST',
      `an archive of ${size} bytes has ${expected} leaves (${expected * DIGEST_LENGTH} bytes of digests), got ${digests.length / DIGEST_LENGTH} digests`,
    );
  }
  return new LeafManifest(size, digests, rootOfLeaves(digests, 0, expected));
}

/** Collects 32-byte digests into one growing buffer (not one object per leaf: 40 M leaves exist). */
class DigestList {
  #buffer = new Uint8Array(DIGEST_LENGTH * 64);
  #count = 0;

  push(digest: Uint8Array, index: number): void {
    if (index !== this.#count) throw new TreeHashError('ERR_INVALID_STATE', `leaf ${index} arrived out of order (expected ${this.#count})`);
    if ((this.#count + 1) * DIGEST_LENGTH > this.#buffer.length) {
      const grown = new Uint8Array(this.#buffer.length * 2);
      grown.set(this.#buffer);
      this.#buffer = grown;
    }
    this.#buffer.set(digest, this.#count * DIGEST_LENGTH);
    this.#count++;
  }

  /** The digests; the list is done with its buffer then, so a full one is handed over uncopied. */
  bytes(): Uint8Array {
    const length = this.#count * DIGEST_LENGTH;
    return length === this.#buffer.length ? this.#buffer : this.#buffer.slice(0, length);
  }
}

/**
 * Builds a manifest while hashing, for streams and uploads: `update()` with the archive's bytes in
 * pieces of any size, then `digest()`. `onLeaf` is the hook for adapters that hash elsewhere (e.g.
 * `hashFile(path, { onLeaf })`); then finish with `fromHashed(size, treeHash)`. Single use, like a
 * TreeHasher: after `digest()` or `fromHashed()` every call throws `ERR_HASH_FINALIZED`.
 * @example const manifest = new LeafManifestBuilder().update(part1).update(part2).digest()
 */
export class LeafManifestBuilder {
  readonly #digests = new DigestList();
  #hasher: TreeHasher | undefined;
  #finished = false;

  /**
   * Records one leaf digest; leaves must arrive in order (as TreeHasher's `onLeaf` reports them).
   * @throws {TreeHashError} `ERR_INVALID_STATE` for a leaf out of order, `ERR_HASH_FINALIZED` when finished.
   */
  readonly onLeaf = (digest: Uint8Array, index: number): void => {
    this.#live('onLeaf');
    this.#digests.push(digest, index);
  };

  #live(method: string): void {
    if (this.#finished) {
      throw new TreeHashError('ERR_HASH_FINALIZED', `${method}() was called on a finished manifest builder; create a new one`);
    }
  }

  /**
   * Adds archive bytes.
   * @throws {TreeHashError} `ERR_HASH_FINALIZED` after `digest()` or `fromHashed()`.
   */
  update(data: BytesLike): this {
    this.#live('update');
    this.#hasher ??= new TreeHasher({ onLeaf: this.onLeaf });
    this.#hasher.update(data);
    return this;
  }

  /**
   * Finishes the bytes given to `update()`.
   * @throws {TreeHashError} `ERR_HASH_FINALIZED` when called twice, or after `fromHashed()`.
   */
  digest(): LeafManifest {
    this.#live('digest');
    const hasher = this.#hasher ?? new TreeHasher({ onLeaf: this.onLeaf });
    this.#hasher = undefined;
    const size = hasher.size;
    const treeHash = hasher.digest(); // reports the last leaf, so only then is the builder finished
    this.#finished = true;
    return new LeafManifest(size, this.#digests.bytes(), treeHash);
  }

  /**
   * Finishes leaves given to `onLeaf` by a hasher elsewhere, with that hasher's size and tree hash.
   * @throws {TreeHashError} `ERR_INVALID_MANIFEST` when the leaves do not match `size` or do not
   *   combine to `treeHash`; `ERR_HASH_FINALIZED` when the builder is finished.
   */
  fromHashed(size: number, treeHash: Uint8Array): LeafManifest {
    this.#live('fromHashed');
    assertManifestSize(size);
    this.#finished = true;
    const manifest = manifestOf(size, this.#digests.bytes());
    if (toHex(manifest.treeHash) !== toHex(treeHash)) {
      invalidManifest('the collected leaves do not combine to the given tree hash');
    }
    return manifest;
  }
}

/**
 * Starts a {@link LeafManifestBuilder}.
 * @example const builder = createLeafManifestBuilder(); for await (const c of body) builder.update(c); builder.digest()
 */
export function createLeafManifestBuilder(): LeafManifestBuilder {
  return new LeafManifestBuilder();
}

/**
 * The manifest of bytes in memory.
 * @example createLeafManifest(bytes).encode()
 */
export function createLeafManifest(data: BytesLike): LeafManifest {
  return createLeafManifestBuilder().update(data).digest();
}

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
 * Compares a copy (its own manifest, e.g. from {@link createLeafManifest} or `manifestOfFile`) with
 * the archive's manifest: names each bad leaf and the ranges to fetch again. With `range`, the copy
 * holds only those bytes of the archive (a ranged retrieval or one downloaded piece); the range must
 * be megabyte aligned, so that the copy's leaves are the archive's.
 * @throws {TreeHashError} `ERR_INVALID_INPUT` for arguments that are not manifests; `ERR_INVALID_RANGE`
 *   / `ERR_RANGE_NOT_ALIGNED` for a range outside the archive or not megabyte aligned.
 * @example compareWithManifest(original, createLeafManifest(copyBytes)).refetchRanges
 */
export function compareWithManifest(manifest: LeafManifest, copy: LeafManifest, range?: ByteRange): ManifestComparison {
  if (!(manifest instanceof LeafManifest) || !(copy instanceof LeafManifest)) {
    throw new TreeHashError('ERR_INVALID_INPUT', `compareWithManifest expects two LeafManifest objects, got ${describeValue(manifest)} and ${describeValue(copy)}`);
  }
  let firstLeaf = 0;
  let endLeaf = manifest.leafCount;
  let expectedSize = manifest.size;
  if (range !== undefined) {
    ({ first: firstLeaf, end: endLeaf } = manifest._leafSpan(range)); // in bounds and megabyte aligned
    expectedSize = range.end + 1 - range.start;
  }
  const offset = range?.start ?? 0;
  const expected = manifest._digests;
  const actual = copy._digests;
  const badLeaves: number[] = [];
  for (let leaf = firstLeaf; leaf < endLeaf; leaf++) {
    // Leaves past the copy's end are missing; a leaf of another length (a cut or overlong last
    // leaf) has another digest, so comparing digests covers sizes too.
    const copyLeaf = leaf - firstLeaf;
    if (copyLeaf >= copy.leafCount || !equalAt(expected, leaf * DIGEST_LENGTH, actual, copyLeaf * DIGEST_LENGTH)) badLeaves.push(leaf);
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

function equalAt(a: Uint8Array, aOffset: number, b: Uint8Array, bOffset: number): boolean {
  for (let i = 0; i < DIGEST_LENGTH; i++) if (a[aOffset + i] !== b[bOffset + i]) return false;
  return true;
}
