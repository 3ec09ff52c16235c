// The bytes of a saved PartHasher (moved here unchanged; the one integrity-checked saved-state
// format of src/core/saved-state.ts replaces it): the part tree hashes done, the state of the part
// in progress and of the whole-archive SHA-256, each a kernel state (src/kernel/state.ts).
import { DIGEST_LENGTH } from '../core/constants.js';
import { TreeHashError, describeValue } from '../core/errors.js';
import { MAX_PARTS, isValidPartSize } from './plan.js';

// Saved PartHasher state: "GTHP", format, flags, 2 spare bytes, part size (f64 LE), then three u32
// LE counts (part tree hashes, part-hasher state bytes, whole-hash state bytes), then those bytes.
const STATE_MAGIC = [0x47, 0x54, 0x48, 0x50];
const STATE_FORMAT = 1;
const STATE_HEADER = 28;
const FLAG_WHOLE = 1;

/** What a saved PartHasher holds. */
export interface PartState {
  readonly partSize: number;
  /** Tree hashes of the parts done, in order. */
  readonly hashes: readonly Uint8Array[];
  /** The part in progress: a linear TreeHasher's saved state. */
  readonly part: Uint8Array;
  /** The whole-archive SHA-256: a LinearSha256's saved state, or empty when none is carried. */
  readonly whole: Uint8Array;
}

/** The bytes of `state`. */
export function encodePartState(state: PartState): Uint8Array {
  const { partSize, hashes, part, whole } = state;
  const out = new Uint8Array(STATE_HEADER + hashes.length * DIGEST_LENGTH + part.length + whole.length);
  const view = new DataView(out.buffer);
  out.set(STATE_MAGIC, 0);
  out[4] = STATE_FORMAT;
  out[5] = whole.length > 0 ? FLAG_WHOLE : 0;
  view.setFloat64(8, partSize, true);
  view.setUint32(16, hashes.length, true);
  view.setUint32(20, part.length, true);
  view.setUint32(24, whole.length, true);
  let offset = STATE_HEADER;
  for (const hash of hashes) {
    out.set(hash, offset);
    offset += DIGEST_LENGTH;
  }
  out.set(part, offset);
  out.set(whole, offset + part.length);
  return out;
}

/** @throws {TreeHashError} `ERR_INVALID_STATE` with `why`. */
export function invalidPartState(why: string, cause?: unknown): never {
  throw new TreeHashError('ERR_INVALID_STATE', `cannot restore the part hasher: ${why}`, cause === undefined ? undefined : { cause });
}

/**
 * Reads the bytes of {@link encodePartState}, checking the header (the kernel states inside are
 * checked when they are restored). The hashes are copies; `part` and `whole` are views of `state`.
 * @throws {TreeHashError} `ERR_INVALID_STATE`.
 */
export function decodePartState(state: Uint8Array): PartState {
  if (!(state instanceof Uint8Array) || state.length < STATE_HEADER || STATE_MAGIC.some((b, i) => state[i] !== b)) {
    return invalidPartState(`expected bytes from PartHasher.save(), got ${describeValue(state)}`);
  }
  if (state[4] !== STATE_FORMAT) return invalidPartState(`state format ${state[4]} is not ${STATE_FORMAT}`);
  const view = new DataView(state.buffer, state.byteOffset, state.byteLength);
  const partSize = view.getFloat64(8, true);
  const count = view.getUint32(16, true);
  const partLength = view.getUint32(20, true);
  const wholeLength = view.getUint32(24, true);
  if (!isValidPartSize(partSize)) return invalidPartState(`the saved part size ${partSize} is not a valid part size`);
  if (count > MAX_PARTS) return invalidPartState(`${count} saved part hashes exceed the ${MAX_PARTS}-part limit`);
  if (state.length !== STATE_HEADER + count * DIGEST_LENGTH + partLength + wholeLength || ((state[5]! & FLAG_WHOLE) !== 0) !== wholeLength > 0) {
    return invalidPartState(`the state's ${state.length} bytes do not match its header`);
  }
  const hashes: Uint8Array[] = [];
  let offset = STATE_HEADER;
  for (let i = 0; i < count; i++, offset += DIGEST_LENGTH) hashes.push(state.slice(offset, offset + DIGEST_LENGTH));
  return { partSize, hashes, part: state.subarray(offset, offset + partLength), whole: state.subarray(offset + partLength, offset + partLength + wholeLength) };
}
