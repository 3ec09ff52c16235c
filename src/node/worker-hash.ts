// A hash held in one worker thread of the native pool (parallel.ts), fed from SharedArrayBuffer
// slots without copying them to the thread: hashFileParts' whole-file SHA-256, and S3's per-part
// SHA-256 and MD5 (s3.ts). What it needs from the pool: nativePool() and post(), and the worker's
// stream jobs ({ stream, algorithm, final, digests }: see NATIVE_WORKER).
import { DIGEST_LENGTH } from '../core/constants.js';
import { type PoolWorker, nativePool, post } from './parallel.js';

let nextStreamId = 0;

/**
 * @internal A hash (node:crypto `algorithm`: 'sha256' by default, 'md5', 'sha1') kept in one worker
 * of the native pool; updates are applied in the order they are sent. `worker: 'last'` (the
 * default) is the pool's last worker, where leaves do not go while there are others; `'first'` the
 * first. hashFileParts' whole-file hash uses the defaults; s3.ts puts each part's SHA-256 on the
 * first worker and its MD5 on the last.
 */
export class WorkerHash {
  readonly #worker: PoolWorker;
  readonly #stream = nextStreamId++;
  readonly #algorithm: string;
  readonly #length: number;
  #open = true;

  constructor(algorithm = 'sha256', worker: 'first' | 'last' = 'last') {
    const pool = nativePool();
    this.#worker = worker === 'first' ? pool[0]! : pool[pool.length - 1]!;
    this.#algorithm = algorithm;
    this.#length = algorithm === 'md5' ? 16 : algorithm === 'sha1' ? 20 : DIGEST_LENGTH;
  }

  /** Hashes arena[offset, offset + length) next; the bytes must stay until this resolves. */
  update(arena: SharedArrayBuffer, offset: number, length: number): Promise<void> {
    return post(this.#worker, { arena, offset, length, stream: this.#stream, algorithm: this.#algorithm });
  }

  /** The digest, once every update sent is hashed; the worker writes it at `scratch` in `arena` (any SharedArrayBuffer). */
  async digest(arena: SharedArrayBuffer, scratch: number): Promise<Uint8Array> {
    this.#open = false;
    await post(this.#worker, { arena, offset: 0, length: 0, digests: scratch, stream: this.#stream, algorithm: this.#algorithm, final: true });
    return new Uint8Array(arena, scratch, this.#length).slice();
  }

  /** Drops the hash in the worker (after an error or an abort); safe to call twice or after digest(). */
  drop(): Promise<void> {
    if (!this.#open) return Promise.resolve();
    this.#open = false;
    return post(this.#worker, { arena: undefined, offset: 0, length: 0, digests: -1, stream: this.#stream, final: true }).catch(() => undefined);
  }
}
