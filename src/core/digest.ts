// SHA-256 digests (a tree hash, a part hash, a leaf digest): one check, one reader of hex or bytes
// with one pair of codes for the whole library (verification, multipart resumes, ListParts), and
// one comparison.
import { DIGEST_LENGTH } from './constants.js';
import { TreeHashError, describeValue } from './errors.js';
import { fromHex } from './hex.js';

/**
 * Throws unless `digest` is a 32-byte Uint8Array.
 * @throws {TreeHashError} `ERR_INVALID_DIGEST`.
 * @example checkDigest(treeHash, 'treeHash')
 */
export function checkDigest(digest: unknown, what: string): asserts digest is Uint8Array {
  if (!(digest instanceof Uint8Array) || digest.length !== DIGEST_LENGTH) {
    throw new TreeHashError('ERR_INVALID_DIGEST', `${what} must be a 32-byte Uint8Array (a SHA-256 digest), got ${describeValue(digest)}`);
  }
}

/**
 * Whether the 32-byte digests `a[aOffset…]` and `b[bOffset…]` are equal (offsets for digests kept
 * side by side in one buffer, as leaf manifests keep them); false when either has fewer than 32
 * bytes there. Reads every byte whatever it finds, so the time taken does not depend on where
 * they differ. Never throws for Uint8Arrays.
 * @example equalDigests(treeHash(body), expected)
 */
export function equalDigests(a: Uint8Array, b: Uint8Array, aOffset = 0, bOffset = 0): boolean {
  if (!(a instanceof Uint8Array) || !(b instanceof Uint8Array) || a.length < aOffset + DIGEST_LENGTH || b.length < bOffset + DIGEST_LENGTH) return false;
  let difference = 0;
  for (let i = 0; i < DIGEST_LENGTH; i++) difference |= a[aOffset + i]! ^ b[bOffset + i]!;
  return difference === 0;
}

/** A tree hash as Glacier prints it (64 hex digits, either case) or as 32 bytes. */
export type TreeHashLike = string | Uint8Array;

/**
 * The 32 bytes of a tree hash given as hex (either case, so `ABC…` and `abc…` compare equal) or as
 * bytes. Validated first, so a malformed reference is an input error, never a "mismatch".
 * @throws {TreeHashError} `ERR_INVALID_HEX` for hex that is not 64 hex digits; `ERR_INVALID_DIGEST`
 *   for bytes that are not 32 long or any other type.
 * @example toTreeHashBytes('8BCAA7B4B8F991CA140F306627F2C4E84601364CDE8E054B6E0924433CA7482F').length // 32
 */
export function toTreeHashBytes(treeHash: TreeHashLike, what = 'tree hash'): Uint8Array {
  if (typeof treeHash === 'string') {
    try {
      return fromHex(treeHash.trim(), DIGEST_LENGTH);
    } catch (cause) {
      throw new TreeHashError('ERR_INVALID_HEX', `${what} must be 64 hex digits (a SHA-256 digest), got ${describeValue(treeHash)}`, { cause });
    }
  }
  checkDigest(treeHash, what);
  return treeHash;
}
