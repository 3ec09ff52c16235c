// The error of bytes whose tree hash is not the expected one: what every verifier throws.
import { type ByteRange, formatRetrievalRange } from './byte-range.js';
import { TreeHashError } from './errors.js';
import { toHex } from './hex.js';

/**
 * Thrown when bytes do not have the tree hash they should. `expected` and `actual` are lowercase
 * hex; `range` is the byte range that was checked (absolute in the archive when the caller said so),
 * `undefined` when none was given (or the payload is empty).
 * @example
 * try { verifyTreeHashSync(body, header) } catch (e) { if (e instanceof TreeHashMismatchError) refetch(e.range) }
 */
export class TreeHashMismatchError extends TreeHashError {
  declare readonly code: 'ERR_TREE_HASH_MISMATCH';
  readonly expected: string;
  readonly actual: string;
  readonly range: ByteRange | undefined;

  constructor(expected: Uint8Array, actual: Uint8Array, range: ByteRange | undefined) {
    const where = range === undefined ? 'the payload' : `bytes ${formatRetrievalRange(range)}`;
    super('ERR_TREE_HASH_MISMATCH', `tree hash mismatch for ${where}: expected ${toHex(expected)}, got ${toHex(actual)}`);
    this.name = 'TreeHashMismatchError';
    this.expected = toHex(expected);
    this.actual = toHex(actual);
    this.range = range;
  }
}
