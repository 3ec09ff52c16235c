// hashParts: part checksums of bytes at hand or of any (async) iterable of chunks.
import { type BytesLike, isBytesLike, toBytes } from '../core/bytes.js';
import { TreeHashError } from '../core/errors.js';
import { type LinearHash, resolveEngine } from '../hash/engine.js';
import { assertIterable, assertReadableSource } from '../stream/sources.js';
import { hashPartsOf, partsOptions } from './run.js';
import type { HashPartsOptions, IterableSource, MultipartChecksums, PartChecksums, PartHashing } from './types.js';

/**
 * Part checksums of an archive given as bytes (Uint8Array, ArrayBuffer, string as UTF-8) or as an
 * async or sync iterable of byte chunks (a Node Readable, a generator, an array of Uint8Arrays; a
 * web ReadableStream where it is async-iterable, else see `hashWebStreamParts`). Each part
 * is yielded as soon as its last byte has been hashed, so an uploader can send part i while part
 * i+1 is being read; `done()` then gives the archive tree hash (from the part hashes, nothing is
 * hashed twice) and the whole archive's SHA-256. For files use `hashFileParts` (glacier-treehash/node),
 * for Blobs and Web Streams `hashBlobParts` and `hashWebStreamParts` (glacier-treehash/web).
 * Bytes (not an iterable) are the whole archive: with `resumeFrom` or `restore` they are read from
 * the resume point on, as files and Blobs are; an iterable gives the bytes from that point on. For
 * bytes, the whole SHA-256 is node:crypto's where there is one (engine 'auto' or 'native'), over
 * all the bytes, so resumed and restored runs give it too.
 * @throws {TreeHashError} at the call: the codes of `createPartHasher()`, `ERR_INVALID_RANGE` when
 *   the resumed parts cover more than the bytes given. While iterating:
 *   `ERR_READ_FAILED` (the source's error as `cause`), `ERR_INVALID_INPUT` for a chunk that is not bytes,
 *   `ERR_TOO_MANY_PARTS`, `ERR_EMPTY_ARCHIVE`, `ERR_ABORTED`.
 * To send part i while part i+1 is hashed, start its upload without awaiting it in the loop body
 * (and bound how many are in flight); `keepBytes: true` hands out each part's bytes for sources that
 * cannot be read again.
 * @example
 * const hashing = hashParts(fs.createReadStream('big.tar'), { partSize: 64 * MiB });
 * for await (const part of hashing) {
 *   await uploadPart(part.contentRange, toHex(part.treeHash), toHex(part.sha256));
 * }
 * const { treeHash, size } = await hashing.done(); // for CompleteMultipartUpload
 */
export function hashParts(source: IterableSource | BytesLike, given: HashPartsOptions): PartHashing {
  const options = partsOptions(given, 'hashParts');
  if (isBytesLike(source)) {
    // A string or Uint8Array is iterable, but per character/byte: take it as one chunk instead. The
    // bytes are the whole archive, so after resumed or restored parts read them from there on.
    const bytes = toBytes(source);
    // All the archive is at hand, so its SHA-256 needs no saved state: node:crypto hashes it,
    // whatever was resumed or restored, where there is one (the Wasm kernel's would be a third
    // as fast).
    const native = wantsNativeWholeHash(options) ? resolveEngine('auto', 'unsaved').native : undefined;
    const partOptions = native === undefined ? options : { ...options, linear: false };
    const hashing = hashPartsOf(
      (start) => [bytes.subarray(start)],
      partOptions,
      () => bytes.length,
    );
    if (hashing.start > bytes.length) {
      throw new TreeHashError('ERR_INVALID_RANGE', `the resumed parts cover ${hashing.start} bytes, more than the ${bytes.length} bytes given`);
    }
    return native === undefined ? hashing : new WholeBytesHashing(hashing, bytes, native());
  }
  assertIterable(source, 'hashParts expects bytes or an (async) iterable of byte chunks');
  assertReadableSource(source, 'hashParts');
  // The caller gives the bytes from `start` on (after resumed or restored parts).
  return hashPartsOf(() => source as IterableSource, options);
}

/** Whether `hashParts(bytes, options)` asks for the whole SHA-256 with an engine that allows node:crypto. */
function wantsNativeWholeHash(options: HashPartsOptions): boolean {
  if (options === null || typeof options !== 'object') return false; // createPartHasher reports it
  return (
    (options.linear === undefined || options.linear === true) && (options.engine === undefined || options.engine === 'auto' || options.engine === 'native')
  );
}

/**
 * Part hashing of bytes held in memory, with the whole archive's SHA-256 on node:crypto: fed each
 * part's bytes as the part is yielded (from byte 0, also after resumed or restored parts), and the
 * rest at `done()`.
 */
class WholeBytesHashing implements PartHashing {
  readonly #parts: PartHashing;
  readonly #bytes: Uint8Array;
  readonly #whole: LinearHash;
  #fed = 0; // bytes[0, #fed) are in #whole

  constructor(parts: PartHashing, bytes: Uint8Array, whole: LinearHash) {
    this.#parts = parts;
    this.#bytes = bytes;
    this.#whole = whole;
  }

  get start(): number {
    return this.#parts.start;
  }

  save(): Uint8Array {
    return this.#parts.save();
  }

  #feed(end: number): void {
    if (end > this.#fed) this.#whole.update(this.#bytes.subarray(this.#fed, end));
    this.#fed = Math.max(this.#fed, end);
  }

  [Symbol.asyncIterator](): AsyncIterator<PartChecksums> {
    // The inner iterator itself (it refuses a second iteration at once), with each part fed on its way out.
    const parts = this.#parts[Symbol.asyncIterator]();
    return {
      next: async () => {
        const step = await parts.next();
        if (step.done !== true) this.#feed(step.value.end + 1);
        return step;
      },
      return: async (value?: unknown) => (parts.return === undefined ? { done: true, value: undefined } : parts.return(value)),
      throw: async (error?: unknown) => {
        if (parts.throw === undefined) throw error;
        return parts.throw(error);
      },
    };
  }

  async done(): Promise<MultipartChecksums> {
    const result = await this.#parts.done();
    this.#feed(this.#bytes.length);
    return { ...result, sha256: new Uint8Array(this.#whole.digest()) };
  }
}
