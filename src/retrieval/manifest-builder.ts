// Building a leaf manifest while hashing: from bytes given to update(), or from the leaf digests
// of a hasher elsewhere (hashFile's onLeaf).
import type { BytesLike } from '../core/bytes.js';
import { DIGEST_LENGTH } from '../core/constants.js';
import { equalDigests } from '../core/digest.js';
import { TreeHashError } from '../core/errors.js';
import { KernelTreeHasher } from '../hash/tree-hasher.js';
import { type LeafManifest, assertManifestSize, invalidManifest, manifestOf, newLeafManifest } from './manifest.js';

/** Collects 32-byte digests into one growing buffer (not one object per leaf: 40 M leaves exist). */
class DigestList {
  #buffer = new Uint8Array(DIGEST_LENGTH * 64);
  #count = 0;

  push(digest: Uint8Array, index: number): void {
    if (index !== this.#count) throw new TreeHashError('ERR_INVALID_STATE', `leaf ${index} arrived out of order (expected ${this.#count})`);
    if ((this.#count + 1) * DIGEST_LENGTH > this.#buffer.length) {
      const grown = new Uint8Array(this.#buffer.length * 2);
      grown.set(this.#buffer);
      this.#buffer = grown;
    }
    this.#buffer.set(digest, this.#count * DIGEST_LENGTH);
    this.#count++;
  }

  /** The digests; the list is done with its buffer then, so a full one is handed over uncopied. */
  bytes(): Uint8Array {
    const length = this.#count * DIGEST_LENGTH;
    return length === this.#buffer.length ? this.#buffer : this.#buffer.slice(0, length);
  }
}

/**
 * Builds a manifest while hashing, for streams and uploads: `update()` with the archive's bytes in
 * pieces of any size, then `digest()`. `onLeaf` is the hook for adapters that hash elsewhere (e.g.
 * `hashFile(path, { onLeaf })`); then finish with `fromHashed(size, treeHash)`. Single use, like a
 * TreeHasher: after `digest()` or `fromHashed()` every call throws `ERR_HASH_FINALIZED`.
 * Made by {@link createLeafManifestBuilder}.
 * @example const manifest = createLeafManifestBuilder().update(part1).update(part2).digest()
 */
export interface LeafManifestBuilder {
  /**
   * Records one leaf digest; leaves must arrive in order (as TreeHasher's `onLeaf` reports them).
   * A bound function: pass it as it is.
   * @throws {TreeHashError} `ERR_INVALID_STATE` for a leaf out of order, `ERR_HASH_FINALIZED` when finished.
   */
  readonly onLeaf: (digest: Uint8Array, index: number) => void;
  /**
   * Adds archive bytes.
   * @throws {TreeHashError} `ERR_HASH_FINALIZED` after `digest()` or `fromHashed()`.
   */
  update(data: BytesLike): this;
  /**
   * Finishes the bytes given to `update()`.
   * @throws {TreeHashError} `ERR_HASH_FINALIZED` when called twice, or after `fromHashed()`.
   */
  digest(): LeafManifest;
  fromHashed(size: number, treeHash: Uint8Array): LeafManifest;
}

class Builder implements LeafManifestBuilder {
  readonly #digests = new DigestList();
  #hasher: KernelTreeHasher | undefined;
  #finished = false;

  readonly onLeaf = (digest: Uint8Array, index: number): void => {
    this.#live('onLeaf');
    this.#digests.push(digest, index);
  };

  #live(method: string): void {
    if (this.#finished) {
      throw new TreeHashError('ERR_HASH_FINALIZED', `${method}() was called on a finished manifest builder; create a new one`);
    }
  }

  update(data: BytesLike): this {
    this.#live('update');
    this.#hasher ??= new KernelTreeHasher({ onLeaf: this.onLeaf });
    this.#hasher.update(data);
    return this;
  }

  digest(): LeafManifest {
    this.#live('digest');
    const hasher = this.#hasher ?? new KernelTreeHasher({ onLeaf: this.onLeaf });
    this.#hasher = undefined;
    const size = hasher.size;
    const treeHash = hasher.digest(); // reports the last leaf, so only then is the builder finished
    this.#finished = true;
    return newLeafManifest(size, this.#digests.bytes(), treeHash);
  }

  fromHashed(size: number, treeHash: Uint8Array): LeafManifest {
    this.#live('fromHashed');
    assertManifestSize(size);
    this.#finished = true;
    const manifest = manifestOf(size, this.#digests.bytes());
    if (!equalDigests(manifest.treeHash, treeHash)) {
      invalidManifest('the collected leaves do not combine to the given tree hash');
    }
    return manifest;
  }
}

/**
 * Starts a {@link LeafManifestBuilder}.
 * @example const builder = createLeafManifestBuilder(); for await (const c of body) builder.update(c); builder.digest()
 */
export function createLeafManifestBuilder(): LeafManifestBuilder {
  return new Builder();
}

/**
 * The manifest of bytes in memory.
 * @example createLeafManifest(bytes).encode()
 */
export function createLeafManifest(data: BytesLike): LeafManifest {
  return createLeafManifestBuilder().update(data).digest();
}
