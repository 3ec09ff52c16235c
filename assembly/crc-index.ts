// The CRC module's ABI (built apart from the tree-hash kernel, as build/crc.wasm, and embedded only
// in glacier-treehash/s3, so the other entries carry none of it). JS writes input at inputPtr(),
// sets the running values at crcStatePtr(), calls, and reads them back.
import { combine32Of, combine64, crc32Update, crc32cUpdate, crc64nvmeUpdate } from './crc';

/** Input window: 4 MiB, 64 KiB aligned above the static data (the tables). */
const INPUT_CAPACITY: usize = 4 << 20;
const INPUT: usize = (__heap_base + 0xffff) & ~(<usize>0xffff);
// The CRCs' running values (finished form, 0 for no bytes): CRC-64/NVME (u64) at +0, CRC-32 (u32)
// at +8, CRC-32C (u32) at +12; then, in the same layout, a second value of each for crcCombine().
const CRC_STATE: usize = memory.data(32, 16);

export function inputPtr(): usize { return INPUT; }
export function inputCapacity(): usize { return INPUT_CAPACITY; }
export function crcStatePtr(): usize { return CRC_STATE; }
/** 0 when the input window fits in memory. */
export function layoutError(): u32 { return INPUT + INPUT_CAPACITY <= (<usize>memory.size() << 16) ? 0 : 1; }

/** Continues the CRC-64/NVME at crcStatePtr() + 0 over input[offset, offset + length). */
export function crc64nvme(offset: usize, length: usize): void { store<u64>(CRC_STATE, crc64nvmeUpdate(load<u64>(CRC_STATE), INPUT + offset, length)); }
/** Continues the CRC-32 at crcStatePtr() + 8 over input[offset, offset + length). */
export function crc32(offset: usize, length: usize): void { store<u32>(CRC_STATE, crc32Update(load<u32>(CRC_STATE, 8), INPUT + offset, length), 8); }
/** Continues the CRC-32C at crcStatePtr() + 12 over input[offset, offset + length). */
export function crc32c(offset: usize, length: usize): void { store<u32>(CRC_STATE, crc32cUpdate(load<u32>(CRC_STATE, 12), INPUT + offset, length), 12); }
/**
 * Joins CRCs: for `kind` 0 (CRC-64/NVME), 1 (CRC-32) or 2 (CRC-32C), the value at crcStatePtr()
 * becomes crc(A || B), A being that value and B the one 16 bytes further, `lengthB` bytes long.
 */
export function crcCombine(kind: u32, lengthB: f64): void {
  const length = <u64>lengthB;
  if (kind == 0) store<u64>(CRC_STATE, combine64(load<u64>(CRC_STATE), load<u64>(CRC_STATE, 16), length));
  else if (kind == 1) store<u32>(CRC_STATE, combine32Of(false, load<u32>(CRC_STATE, 8), load<u32>(CRC_STATE, 24), length), 8);
  else store<u32>(CRC_STATE, combine32Of(true, load<u32>(CRC_STATE, 12), load<u32>(CRC_STATE, 28), length), 12);
}
