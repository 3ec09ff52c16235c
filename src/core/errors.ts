/**
 * Every error this library throws is a {@link TreeHashError} with a stable `code`; tests and
 * callers branch on the code, never on the message text. Messages say what was wrong, what is
 * allowed and what was given.
 */
export type TreeHashErrorCode =
  | 'ERR_INVALID_INPUT'
  | 'ERR_INVALID_OPTION'
  | 'ERR_INVALID_HEX'
  | 'ERR_INVALID_DIGEST'
  | 'ERR_HASH_FINALIZED'
  | 'ERR_INVALID_STATE'
  | 'ERR_INVALID_RANGE'
  // Retrieval (src/retrieval/)
  | 'ERR_INVALID_SIZE'
  | 'ERR_INVALID_CHUNK_SIZE'
  | 'ERR_RANGE_NOT_ALIGNED'
  | 'ERR_TREE_HASH_MISMATCH'
  | 'ERR_INVALID_MANIFEST'
  | 'ERR_SIZE_MISMATCH'
  | 'ERR_WRITE_FAILED'
  | 'ERR_ABORTED'
  | 'ERR_READ_FAILED'
  | 'ERR_FILE_CHANGED'
  | 'ERR_WASM_UNAVAILABLE'
  | 'ERR_ENGINE_UNAVAILABLE'
  | 'ERR_WORKER_FAILED'
  // Multipart upload (src/upload/); ERR_INVALID_SIZE above too
  | 'ERR_INVALID_PART_SIZE'
  | 'ERR_TOO_MANY_PARTS'
  | 'ERR_ARCHIVE_TOO_LARGE'
  | 'ERR_EMPTY_ARCHIVE'
  | 'ERR_INVALID_CONTENT_RANGE'
  | 'ERR_PART_MISALIGNED'
  | 'ERR_PART_SIZE_MISMATCH'
  | 'ERR_PART_OUT_OF_BOUNDS'
  | 'ERR_PART_COUNT_MISMATCH'
  // S3 (src/s3/); ERR_INVALID_PART_SIZE and ERR_TOO_MANY_PARTS above too
  | 'ERR_INVALID_ATTRIBUTES'
  // Vault audit (src/audit/): an inventory (JSON, CSV, or of unknown format) or an mt-aws-glacier journal that cannot be read
  | 'ERR_INVALID_INVENTORY'
  | 'ERR_INVALID_JOURNAL'
  | (string & {});

export interface TreeHashErrorOptions {
  cause?: unknown;
}

/** The one error class of glacier-treehash. `code` is stable across versions. */
export class TreeHashError extends Error {
  readonly code: TreeHashErrorCode;

  constructor(code: TreeHashErrorCode, message: string, options?: TreeHashErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TreeHashError';
    this.code = code;
  }
}

/** Describes a value briefly for an error message ("a string of length 3", "undefined", …). */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') {
    const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
    return `the string ${JSON.stringify(shown)} (length ${value.length})`;
  }
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') {
    return `${typeof value} ${String(value)}`;
  }
  if (ArrayBuffer.isView(value)) return `${value.constructor.name} of ${value.byteLength} bytes`;
  if (value instanceof ArrayBuffer) return `ArrayBuffer of ${value.byteLength} bytes`;
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === 'function') return 'a function';
  const name = (value as object).constructor?.name;
  return name ? `an instance of ${name}` : 'an object';
}
