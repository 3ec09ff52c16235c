// Whole leaves through WebCrypto's digest, for the async streaming APIs where there is no node:crypto
// (browsers, Deno, workers): engine 'native', or 'auto' there, and engine 'js' (see resolveEngine's use 'async').
import { LEAF_SIZE } from '../core/constants.js';
import { type LinearSha256, createLinearSha256 } from '../hash/linear.js';
import { type Checksums, type TreeHasher, type TreeHasherOptions, createTreeHasher } from '../hash/tree-hasher.js';
import type { KernelBuild } from '../kernel/wasm.js';
import type { HashStreamOptions, TreeChecksum } from './chunks.js';

// Leaves whose digests are in flight at once; each has its own buffer, so none is reused before
// its digest has resolved.
const WEB_LEAVES_IN_FLIGHT = 4;

/**
 * Whole leaves through WebCrypto's digest (asynchronous, so only for async APIs); the tree on a
 * hasher's stack and the linear SHA-256 on the kernel `build` (the Wasm kernel, or the one in
 * JavaScript for engine 'js' and where Wasm cannot be compiled).
 */
export class WebCryptoTree {
  readonly #subtle: SubtleCrypto;
  readonly #tree: TreeHasher;
  readonly #linear: LinearSha256 | undefined;
  readonly #onLeaf: TreeHasherOptions['onLeaf'];
  readonly #buffers: Uint8Array[] = [];
  readonly #inFlight: { digest: Promise<ArrayBuffer>; length: number }[] = [];
  #leaf: Uint8Array;
  #fill = 0;
  #size = 0;
  #leaves = 0;

  constructor(subtle: SubtleCrypto, options: HashStreamOptions, build: KernelBuild) {
    this.#subtle = subtle;
    // The tree hasher reports only the one empty leaf of empty input; leaves are reported here.
    this.#tree = createTreeHasher({ engine: build === 'js' ? 'js' : 'wasm', ...(options.onLeaf ? { onLeaf: options.onLeaf } : {}) });
    this.#linear = options.linear !== false ? createLinearSha256(build) : undefined;
    this.#onLeaf = options.onLeaf;
    for (let i = 0; i <= WEB_LEAVES_IN_FLIGHT; i++) this.#buffers.push(new Uint8Array(LEAF_SIZE));
    this.#leaf = this.#buffers[0]!;
  }

  async update(bytes: Uint8Array): Promise<void> {
    this.#linear?.update(bytes);
    this.#size += bytes.length;
    for (let offset = 0; offset < bytes.length;) {
      const n = Math.min(LEAF_SIZE - this.#fill, bytes.length - offset);
      this.#leaf.set(bytes.subarray(offset, offset + n), this.#fill);
      this.#fill += n;
      offset += n;
      if (this.#fill === LEAF_SIZE) await this.#send();
    }
  }

  async #send(): Promise<void> {
    const leaf = this.#leaf.subarray(0, this.#fill);
    this.#inFlight.push({ digest: this.#subtle.digest('SHA-256', leaf as Uint8Array<ArrayBuffer>), length: this.#fill });
    this.#fill = 0;
    this.#leaf = this.#buffers[(this.#leaves + this.#inFlight.length) % this.#buffers.length]!;
    if (this.#inFlight.length === WEB_LEAVES_IN_FLIGHT) await this.#receive();
  }

  async #receive(): Promise<void> {
    const { digest, length } = this.#inFlight.shift()!;
    const bytes = new Uint8Array(await digest);
    this.#tree.appendTreeHash(bytes, length);
    this.#onLeaf?.(bytes, this.#leaves); // a fresh array: appendTreeHash copied it into the kernel
    this.#leaves++;
  }

  async finish(): Promise<Checksums | TreeChecksum> {
    if (this.#fill > 0) await this.#send();
    while (this.#inFlight.length > 0) await this.#receive();
    const treeHash = this.#tree.digest();
    const size = this.#size;
    return this.#linear ? { size, treeHash, sha256: this.#linear.digest() } : { size, treeHash };
  }

  /** Lets the digests in flight settle (nothing is kept). */
  async abandon(): Promise<void> {
    await Promise.allSettled(this.#inFlight.map((entry) => entry.digest));
  }
}
