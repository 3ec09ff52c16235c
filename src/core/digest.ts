// A SHA-256 digest (a tree hash, a part hash) given as hex or bytes: one reader with one pair of
// codes for the whole core (verification, multipart resumes, ListParts).
import { DIGEST_LENGTH } from './constants.js';
import { TreeHashError, describeValue } from './errors.js';
import { checkDigest } from '../hash/tree-hasher.js';
import { fromHex } from './hex.js';

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
      throw new TreeHashError(
        'ERR_INVALID_HEX',
        `${what} must be 64 hex digits (a SHA-256 digest), got ${describeValue(treeHash)}`,
        { cause },
      );
    }
  }
  checkDigest(treeHash, what);
  return treeHash;
}

