// Saved state of one kernel instance: the bytes a TreeHasher's or LinearSha256's save() returns
// (and a PartHasher's state embeds). Moved here unchanged; the one integrity-checked saved-state
// format of src/core/saved-state.ts replaces it.
import { TreeHashError, describeValue } from '../core/errors.js';
import { equalDigests } from '../core/digest.js';
import { fromHex } from '../core/hex.js';
import { KERNEL_BUILD_SHA256, type Kernel, releaseKernel } from './wasm.js';

// Saved state: "GTHS", format version, flags, 2 spare bytes, the size (f64 LE), the kernel
// build's SHA-256, then the kernel's state region.
const STATE_MAGIC = [0x47, 0x54, 0x48, 0x53];
const STATE_FORMAT = 1;
const STATE_HEADER = 16 + 32;
const SAVED_CLOSED = 1;

let build: Uint8Array | undefined;
/** KERNEL_BUILD_SHA256 as bytes (decoded on first use). */
function buildId(): Uint8Array {
  return (build ??= fromHex(KERNEL_BUILD_SHA256, 32));
}

/** The saved-state bytes of `kernel` (see STATE_MAGIC): the header, then the kernel's state region. */
export function saveKernelState(kernel: Kernel, size: number, closed: boolean): Uint8Array {
  const out = new Uint8Array(STATE_HEADER + kernel.stateSize);
  out.set(STATE_MAGIC, 0);
  out[4] = STATE_FORMAT;
  out[5] = closed ? SAVED_CLOSED : 0;
  new DataView(out.buffer).setFloat64(8, size, true);
  out.set(buildId(), 16);
  out.set(kernel.memory.subarray(kernel.statePtr, kernel.statePtr + kernel.stateSize), STATE_HEADER);
  return out;
}

/**
 * Checks saved-state bytes and loads them into `kernel`; on failure gives the kernel back and
 * throws `ERR_INVALID_STATE`. `acceptFlags` says which kernel flags the restoring hasher can continue.
 */
export function loadKernelState(
  state: Uint8Array,
  kernel: Kernel,
  what: string,
  acceptFlags: (flags: number) => boolean,
): { flags: number; size: number; closed: boolean } {
  const invalid = (why: string): never => {
    releaseKernel(kernel);
    throw new TreeHashError('ERR_INVALID_STATE', `cannot restore the ${what}: ${why}`);
  };
  const bytes = state instanceof Uint8Array ? state : invalid(`expected bytes from save(), got ${describeValue(state)}`);
  if (bytes.length !== STATE_HEADER + kernel.stateSize || STATE_MAGIC.some((b, i) => bytes[i] !== b)) {
    invalid(`expected ${STATE_HEADER + kernel.stateSize} bytes from save(), got ${describeValue(state)}`);
  }
  if (bytes[4] !== STATE_FORMAT) invalid(`state format ${bytes[4]} is not ${STATE_FORMAT}`);
  if (!equalDigests(bytes.subarray(16, 48), buildId())) {
    invalid('the state was saved by a different build of the kernel');
  }
  const flags = new DataView(bytes.buffer, bytes.byteOffset + STATE_HEADER, 4).getUint32(0, true);
  if (!acceptFlags(flags)) invalid(`its flags (${flags}) are not a state this hasher can continue`);
  const size = new DataView(bytes.buffer, bytes.byteOffset, STATE_HEADER).getFloat64(8, true);
  if (!Number.isSafeInteger(size) || size < 0) invalid(`the saved size ${size} is not a byte count`);
  kernel.memory.set(bytes.subarray(STATE_HEADER), kernel.statePtr);
  return { flags, size, closed: bytes[5] === SAVED_CLOSED };
}