// The messages between a page and the hashing worker (src/web/worker.ts), and how a TreeHashError
// crosses the boundary (structured clone keeps an Error's message, not its class or code).
import { TreeHashError } from '../core/errors.js';
import { fromHex } from '../core/hex.js';
import { TreeHashMismatchError } from '../core/mismatch.js';
import type { PartHasherState } from '../core/saved-state.js';
import type { PartChecksums } from '../upload/types.js';

/** The records of a part hasher's state: what the page needs besides the part tree hashes it has. */
export type PartStateRecords = Pick<PartHasherState, 'part' | 'whole'>;

/**
 * What the worker is asked to do: start a job (hashBlob, or hashBlobParts, which then waits for a
 * `next` after each part, as the page's iteration asks for them), or abort one. Options travel
 * without their callbacks and signal.
 */
export type WorkerRequest =
  | { type: 'start'; id: number; job: 'hashBlob' | 'hashBlobParts'; blob: Blob; options: Record<string, unknown>; progress: boolean }
  | { type: 'next'; id: number }
  | { type: 'abort'; id: number; reason: unknown };

/**
 * A part with what save() gives right after it: the kernel records of that state (the page keeps the
 * part tree hashes it lists, so a message stays the same size however many parts came before), or
 * the error save() throws there (after the last part).
 */
export type WorkerReply =
  | { type: 'progress'; id: number; bytes: number; total: number | undefined }
  | { type: 'part'; id: number; part: PartChecksums; state: PartStateRecords | { error: SerializedError } }
  | { type: 'done'; id: number; result: unknown }
  | { type: 'error'; id: number; error: SerializedError };

export interface SerializedError {
  name: string;
  message: string;
  code?: string;
  expected?: string;
  actual?: string;
  range?: { start: number; end: number };
  cause?: unknown;
}

/** An error as plain data; the cause only when it survives structured cloning. */
export function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const out: SerializedError = { name: error.name, message: error.message };
  if (error instanceof TreeHashError) out.code = error.code;
  if (error instanceof TreeHashMismatchError) {
    out.expected = error.expected;
    out.actual = error.actual;
    if (error.range !== undefined) out.range = { start: error.range.start, end: error.range.end };
  }
  if (error.cause !== undefined) {
    try {
      out.cause = structuredClone(error.cause);
    } catch {
      out.cause = String(error.cause);
    }
  }
  return out;
}

/** The error again on the page's side: a TreeHashError (or TreeHashMismatchError) with its code. */
export function deserializeError(error: SerializedError): Error {
  const options = error.cause === undefined ? undefined : { cause: error.cause };
  if (error.code === 'ERR_TREE_HASH_MISMATCH' && error.expected !== undefined && error.actual !== undefined) {
    return new TreeHashMismatchError(fromHex(error.expected, 32), fromHex(error.actual, 32), error.range);
  }
  if (error.code !== undefined) return new TreeHashError(error.code, error.message, options);
  const plain = new Error(error.message, options);
  plain.name = error.name;
  return plain;
}
