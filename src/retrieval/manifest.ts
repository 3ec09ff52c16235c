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
import { type ByteRange, assertByteRange } from '../core/byte-range.js';
import { type BytesLike, toBytes } from '../core/bytes.js';
import { DIGEST_LENGTH, LEAF_SIZE } from '../core/constants.js';
import { checkDigest, equalDigests } from '../core/digest.js';
import { TreeHashError, describeValue } from '../core/errors.js';
import { fromHex, toHex } from '../core/hex.js';
import { combineTreeHashes } from '../hash/combine.js';
import { createLinearSha256 } from '../hash/linear.js';
import { leafCount } from '../hash/tree-spans.js';
import { explainRetrievalRange } from './ranges.js';

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
 * The size, leaf digests and tree hash of one archive. Made by `createLeafManifest()`,
 * `createLeafManifestBuilder`, {@link leafManifestFromDigests} or {@link decodeLeafManifest};
 * stored with `encode()`.
 * @example const manifest = createLeafManifest(bytes); manifest.leafCount; toHex(manifest.treeHash)
 */
export interface LeafManifest {
  /** Archive size in bytes. */
  readonly size: number;
  /** Always 1 MiB (Glacier's leaf size). */
  readonly leafSize: number;
  /** Number of leaves: max(1, ceil(size / 1 MiB)). */
  readonly leafCount: number;
  /** The archive's tree hash (32 bytes). */
  readonly treeHash: Uint8Array;
  /**
   * The SHA-256 of leaf `index` (a copy).
   * @throws {TreeHashError} `ERR_INVALID_RANGE` for an index outside 0..leafCount−1.
   * @example manifest.leafDigest(0)
   */
  leafDigest(index: number): Uint8Array;
  leafRange(index: number): ByteRange | undefined;
  /**
   * The tree hash of a range of the archive, from the digests alone. The range must be megabyte
   * aligned (a valid `RetrievalByteRange`); for a tree-hash-aligned range this is the checksum
   * GetJobOutput returns and DescribeJob's `SHA256TreeHash`.
   * @throws {TreeHashError} `ERR_INVALID_RANGE` for a malformed or out-of-bounds range;
   *   `ERR_RANGE_NOT_ALIGNED` for a range that does not start and end on leaf boundaries.
   * @example toHex(manifest.rangeTreeHash({ start: 4194304, end: 6815743 }))
   */
  rangeTreeHash(range: ByteRange): Uint8Array;
  /**
   * The manifest file's bytes (format in this module's documentation).
   * @example await writeFile('archive.tar.manifest', manifest.encode())
   */
  encode(): Uint8Array;
}

// The digests and the range check of a manifest, for this folder's modules (set in the class's static block).
let digestsOfManifest: (manifest: Manifest) => Uint8Array;

/** `digests` holds exactly the leaves of `size` bytes; the tree hash is theirs. */
class Manifest implements LeafManifest {
  readonly size: number;
  readonly leafSize: number = LEAF_SIZE;
  readonly leafCount: number;
  readonly treeHash: Uint8Array;
  readonly #digests: Uint8Array;

  static {
    digestsOfManifest = (manifest) => manifest.#digests;
  }

  constructor(size: number, digests: Uint8Array, treeHash: Uint8Array) {
    this.size = size;
    this.leafCount = leafCount(size);
    this.#digests = digests;
    this.treeHash = treeHash;
  }

  leafDigest(index: number): Uint8Array {
    this.#checkLeaf(index);
    return this.#digests.slice(index * DIGEST_LENGTH, (index + 1) * DIGEST_LENGTH);
  }

  leafRange(index: number): ByteRange | undefined {
    this.#checkLeaf(index);
    if (this.size === 0) return undefined;
    return { start: index * LEAF_SIZE, end: Math.min((index + 1) * LEAF_SIZE, this.size) - 1 };
  }

  #checkLeaf(index: number): void {
    if (!Number.isSafeInteger(index) || index < 0 || index >= this.leafCount) {
      throw new TreeHashError('ERR_INVALID_RANGE', `leaf index must be a whole number from 0 to ${this.leafCount - 1}, got ${describeValue(index)}`);
    }
  }

  rangeTreeHash(range: ByteRange): Uint8Array {
    const { first, end } = leafSpanOf(this, range);
    return rootOfLeaves(this.#digests, first, end);
  }

  encode(): Uint8Array {
    const fields =
      `${LEAF_MANIFEST_MAGIC} ${LEAF_MANIFEST_VERSION} size=${this.size} leaf-size=${LEAF_SIZE} ` +
      `leaves=${this.leafCount} tree-hash=${toHex(this.treeHash)}`;
    const header = new TextEncoder().encode(`${fields} check=${toHex(manifestCheck(fields, this.#digests))}\n`);
    const out = new Uint8Array(header.length + this.#digests.length);
    out.set(header, 0);
    out.set(this.#digests, header.length);
    return out;
  }
}

/** @internal Whether `value` is a manifest made by this module's factories. */
export function isLeafManifest(value: unknown): value is LeafManifest {
  return value instanceof Manifest;
}

/** @internal The concatenated digests of a manifest, not copied (for comparisons). */
export function digestsOf(manifest: LeafManifest): Uint8Array {
  return digestsOfManifest(manifest as Manifest);
}

/**
 * @internal The leaves [first, end) of a range, after `rangeTreeHash`'s checks (with its
 * errors), without hashing anything.
 */
export function leafSpanOf(manifest: LeafManifest, range: ByteRange): { first: number; end: number } {
  assertByteRange(range);
  if (manifest.size === 0 || range.start < 0 || range.start > range.end || range.end >= manifest.size) {
    throw new TreeHashError(
      'ERR_INVALID_RANGE',
      `range ${range.start}-${range.end} is not inside the ${manifest.size}-byte archive (need 0 ≤ start ≤ end < size)`,
    );
  }
  const reason = explainRetrievalRange(range, manifest.size);
  if (reason !== null) {
    throw new TreeHashError('ERR_RANGE_NOT_ALIGNED', `a manifest knows whole leaves only, so the range must be megabyte aligned: ${reason}`);
  }
  return { first: range.start / LEAF_SIZE, end: Math.ceil((range.end + 1) / LEAF_SIZE) };
}

/**
 * A manifest from the leaf digests of an archive of `size` bytes (as an array of 32-byte digests
 * or one concatenated Uint8Array). The tree hash is computed from them.
 * @throws {TreeHashError} `ERR_INVALID_SIZE` for a bad size; `ERR_INVALID_MANIFEST` when the
 *   number of digests does not match the size; `ERR_INVALID_DIGEST` for a digest that is not 32 bytes.
 * @example leafManifestFromDigests(3_250_000, [d0, d1, d2, d3])
 */
export function leafManifestFromDigests(size: number, leafDigests: readonly Uint8Array[] | Uint8Array): LeafManifest {
  assertManifestSize(size);
  let digests: Uint8Array;
  if (leafDigests instanceof Uint8Array) {
    digests = leafDigests.slice();
  } else if (Array.isArray(leafDigests)) {
    digests = new Uint8Array(leafDigests.length * DIGEST_LENGTH);
    // An index loop: forEach would skip the holes of a sparse array, leaving zero digests.
    for (let i = 0; i < leafDigests.length; i++) {
      const digest = leafDigests[i];
      checkDigest(digest, `leafDigests[${i}]`);
      digests.set(digest, i * DIGEST_LENGTH);
    }
  } else {
    throw new TreeHashError('ERR_INVALID_INPUT', `leafDigests must be an array of digests or a Uint8Array, got ${describeValue(leafDigests)}`);
  }
  return manifestOf(size, digests);
}

/** The `check` field: SHA-256 of the header fields before it, a newline, and the digests. */
function manifestCheck(fields: string, digests: Uint8Array): Uint8Array {
  // Fed in two pieces: no copy of the digests (up to 1.3 GB for the largest archive).
  const check = createLinearSha256();
  check.update(new TextEncoder().encode(`${fields}\n`));
  check.update(digests);
  return check.digest();
}

/**
 * Header text (read a byte per character) as a message shows it: quoted, at most 40 characters, each
 * byte outside printable ASCII as `\xNN` — a file that is not a manifest is not printed as binary.
 */
function shownText(text: string | undefined): string {
  if (text === undefined) return 'nothing';
  const cut = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  return `"${cut.replace(/[^\x20-\x7e…]|"|\\/g, (c) => (c === '"' || c === '\\' ? `\\${c}` : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`))}" (${text.length} bytes)`;
}

/** @internal @throws {TreeHashError} `ERR_INVALID_MANIFEST` with `why`. */
export function invalidManifest(why: string): never {
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
  if (fields[0] !== LEAF_MANIFEST_MAGIC) invalidManifest(`it should start with "${LEAF_MANIFEST_MAGIC}", got ${shownText(fields[0])}`);
  if (fields[1] !== String(LEAF_MANIFEST_VERSION)) {
    invalidManifest(`format version ${shownText(fields[1])} is not supported (this library reads version ${LEAF_MANIFEST_VERSION})`);
  }
  const keys = ['size', 'leaf-size', 'leaves', 'tree-hash', 'check'];
  if (fields.length !== 2 + keys.length) invalidManifest(`expected the fields ${keys.join(', ')} in the header, got ${shownText(header)}`);
  const values = keys.map((key, i) => {
    const field = fields[2 + i]!;
    if (!field.startsWith(`${key}=`)) invalidManifest(`header field ${i + 3} should be ${key}=…, got ${shownText(field)}`);
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
  if (!/^[0-9a-f]{64}$/.test(checkText) || !equalDigests(manifestCheck(checked, body), fromHex(checkText))) {
    invalidManifest(`its check=${checkText} is not the SHA-256 of its header and digests: the file is damaged`);
  }
  const manifest = leafManifestFromDigests(size, body);
  if (!equalDigests(manifest.treeHash, fromHex(treeHashText))) {
    invalidManifest(`its leaf digests combine to ${toHex(manifest.treeHash)}, not the recorded tree-hash=${treeHashText}: the file is damaged`);
  }
  return manifest;
}

/** @internal @throws {TreeHashError} `ERR_INVALID_SIZE` unless `size` is a byte count. */
export function assertManifestSize(size: unknown): asserts size is number {
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    throw new TreeHashError('ERR_INVALID_SIZE', `size must be a whole number of bytes ≥ 0, got ${describeValue(size)}`);
  }
}

/** @internal A manifest of `size` bytes with these digests (taken over, not copied) and tree hash, unchecked. */
export function newLeafManifest(size: number, digests: Uint8Array, treeHash: Uint8Array): LeafManifest {
  return new Manifest(size, digests, treeHash);
}

/** @internal A manifest that takes over `digests` (no copy), once their count fits `size`. */
export function manifestOf(size: number, digests: Uint8Array): LeafManifest {
  const expected = leafCount(size);
  if (digests.length !== expected * DIGEST_LENGTH) {
    throw new TreeHashError(
      'ERR_INVALID_MANIFEST',
      `an archive of ${size} bytes has ${expected} leaves (${expected * DIGEST_LENGTH} bytes of digests), got ${digests.length / DIGEST_LENGTH} digests`,
    );
  }
  return new Manifest(size, digests, rootOfLeaves(digests, 0, expected));
}
