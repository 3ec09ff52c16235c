// Auditing a vault on disk: read the inventory or journal (src/audit/), list the files under a
// directory, hash the ones whose verdict needs it and stream the results as they are known.
// By default the files go to hashFiles: the pool's workers hash the small ones whole, one per
// core, and a big one is spread over every core by hashFile's pipeline in its turn. A plugged-in
// hasher gets the big files one at a time and the small ones `concurrency` at a time beside them.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { TreeHashError, describeValue } from '../core/errors.js';
import { toHex } from '../core/hex.js';
import { type ProgressCallback, ProgressReporter, checkProgressCallback } from '../stream/progress.js';
import { throwIfAborted } from '../stream/abort.js';
import { readFailure } from '../stream/sources.js';
import { openFile } from './open-file.js';
import { readVault } from '../audit/detect.js';
import { type AuditResult, type LocalFile, VaultMatcher } from '../audit/match.js';
import type { TextSource, VaultArchive, VaultFormat } from '../audit/types.js';
import { hashFile } from './files.js';
import { hashFiles } from './many.js';
import { PARALLEL_THRESHOLD } from './pool/pipeline.js';

/** Hashes one local file for the audit: its size and tree hash. */
export type AuditFileHasher = (
  path: string,
  options: { signal: AbortSignal; onProgress: ProgressCallback },
) => Promise<{ size: number; treeHash: Uint8Array | string }>;

export interface AuditOptions {
  /** Match archives to files by their decoded names (default), or by size and tree hash alone. */
  by?: 'name' | 'content';
  /** Progress over the bytes of all the files to hash (`total` is known from the start). */
  onProgress?: ProgressCallback;
  /** Stops the audit; the iteration rejects with `ERR_ABORTED`. */
  signal?: AbortSignal;
  /** With `hashFile`: files under 8 MiB hashed at once beside the big one (default 1). */
  concurrency?: number;
  /** How a file is hashed, one call per file (default: hashFiles, the pool's many-files path). */
  hashFile?: AuditFileHasher;
  /** Called once the inventory is read, with its format and archive count. */
  onInventory?: (info: { format: VaultFormat | 'archives'; archives: number; files: number; bytesToHash: number }) => void;
}

/** A file's failure that makes it `unreadable` rather than ending the audit. */
const unreadableError = (error: unknown): error is TreeHashError =>
  error instanceof TreeHashError && (error.code === 'ERR_READ_FAILED' || error.code === 'ERR_FILE_CHANGED');

/** Every regular file under `dir` (symbolic links to files included; links to directories not followed). */
async function listFiles(dir: string, unreadable: AuditResult[]): Promise<LocalFile[]> {
  const files: LocalFile[] = [];
  const pending: string[] = [''];
  while (pending.length > 0) {
    const relative = pending.pop()!;
    let entries;
    try {
      entries = await readdir(relative === '' ? dir : join(dir, relative), { withFileTypes: true });
    } catch (cause) {
      if (relative === '') throw new TreeHashError('ERR_READ_FAILED', `cannot list ${dir}: ${(cause as Error).message}`, { cause });
      unreadable.push({ status: 'unreadable', path: relative, error: (cause as Error).message });
      continue;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const found = await Promise.all(
      entries.map(async (entry): Promise<LocalFile | undefined> => {
        const path = relative === '' ? entry.name : `${relative}/${entry.name}`;
        if (entry.isDirectory()) {
          pending.push(path);
          return undefined;
        }
        if (!entry.isFile() && !entry.isSymbolicLink()) return undefined;
        try {
          const info = await stat(join(dir, path));
          return info.isFile() ? { path, size: info.size } : undefined;
        } catch (cause) {
          unreadable.push({ status: 'unreadable', path, error: (cause as Error).message });
          return undefined;
        }
      }),
    );
    for (const file of found) if (file !== undefined) files.push(file);
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

async function readAll(source: TextSource): Promise<{ format: VaultFormat; archives: VaultArchive[] }> {
  const { format, archives } = await readVault(source);
  const list: VaultArchive[] = [];
  for await (const archive of archives) list.push(archive);
  return { format, archives: list };
}

/** Every archive of the inventory (a path, a stream of text, or archives already read), and its format. */
async function collect(
  inventory: string | URL | TextSource | readonly VaultArchive[],
): Promise<{ format: VaultFormat | 'archives'; archives: VaultArchive[] }> {
  if (Array.isArray(inventory) && (inventory.length === 0 || (typeof inventory[0] === 'object' && inventory[0] !== null && 'archiveId' in inventory[0]))) {
    return { format: 'archives', archives: [...(inventory as readonly VaultArchive[])] };
  }
  if (typeof inventory !== 'string' && !(inventory instanceof URL)) return readAll(inventory as TextSource);
  const { handle } = await openFile(inventory);
  try {
    const stream = handle.createReadStream({ autoClose: false });
    const chunks = (async function* (): AsyncGenerator<Uint8Array, void, undefined> {
      try {
        yield* stream as AsyncIterable<Uint8Array>;
      } catch (cause) {
        throw readFailure(cause, undefined, `cannot read ${String(inventory)}`);
      } finally {
        stream.destroy();
      }
    })();
    return await readAll(chunks);
  } finally {
    await handle.close();
  }
}

/**
 * Audits local files under `dir` against a vault: an inventory (JSON or CSV) or an mt-aws-glacier
 * journal, given as a path, a stream of text, or archives already read. Yields one
 * {@link AuditResult} per archive and per local file that no archive matches, as each is known:
 * first what needs no hashing (missing archives, size mismatches, files no archive can match),
 * then each verdict as its file is hashed.
 * @throws {TreeHashError} `ERR_INVALID_INVENTORY` / `ERR_INVALID_JOURNAL` for a malformed
 * inventory, `ERR_READ_FAILED` when the inventory or `dir` cannot be read, `ERR_ABORTED`,
 * `ERR_INVALID_OPTION` for a bad option; the `onProgress` callback's own error. A local file
 * that cannot be read is a result (`unreadable`), not an error.
 * @example
 * for await (const result of auditVault('inventory.json', '/backup')) {
 *   if (result.status !== 'ok') console.log(result.status, result.path, result.archiveId);
 * }
 */
export async function* auditVault(
  inventory: string | URL | TextSource | readonly VaultArchive[],
  dir: string,
  options: AuditOptions = {},
): AsyncGenerator<AuditResult, void, undefined> {
  const by = options.by ?? 'name';
  if (by !== 'name' && by !== 'content') throw new TreeHashError('ERR_INVALID_OPTION', `by must be 'name' or 'content', got ${describeValue(options.by)}`);
  const concurrency = options.concurrency ?? 1;
  if (!Number.isSafeInteger(concurrency) || concurrency < 1) {
    throw new TreeHashError('ERR_INVALID_OPTION', `concurrency must be a positive integer, got ${describeValue(options.concurrency)}`);
  }
  if (options.hashFile !== undefined && typeof options.hashFile !== 'function') {
    throw new TreeHashError('ERR_INVALID_OPTION', `hashFile must be a function, got ${describeValue(options.hashFile)}`);
  }
  checkProgressCallback(options.onProgress);
  const { signal } = options;
  throwIfAborted(signal);

  const { format, archives } = await collect(inventory);
  throwIfAborted(signal);
  const unreadable: AuditResult[] = [];
  const files = await listFiles(dir, unreadable);
  const matcher = new VaultMatcher(archives, files, by);
  const toHash = matcher.toHash();
  const total = toHash.reduce((n, f) => n + f.size, 0);
  options.onInventory?.({ format, archives: archives.length, files: files.length, bytesToHash: total });
  yield* unreadable;
  yield* matcher.immediate();

  const progress = new ProgressReporter(options.onProgress, total);
  const stop = new AbortController();
  const onAbort = (): void => stop.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });

  const ready: AuditResult[] = [];
  let failure: { error: unknown } | undefined;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    wake?.();
    wake = undefined;
  };
  /** A file's bytes count once, whether its hasher reported them as it went or not (a file that shrank too, so the bar ends at its total). */
  const counted = new Map<LocalFile, number>();
  const progressOf =
    (file: LocalFile): ProgressCallback =>
    ({ bytes }) => {
      progress.advance(bytes - (counted.get(file) ?? 0));
      counted.set(file, bytes);
    };
  const settle = (file: LocalFile, outcome: { size: number; treeHash: Uint8Array | string } | { error: unknown }): void => {
    if ('error' in outcome) {
      if (stop.signal.aborted || progress.threw(outcome.error) || !unreadableError(outcome.error)) throw outcome.error;
      ready.push(...matcher.unreadable(file, outcome.error.message));
    } else {
      const { size, treeHash } = outcome;
      ready.push(...matcher.hashed(file, size, typeof treeHash === 'string' ? treeHash.toLowerCase() : toHex(treeHash)));
    }
    const done = counted.get(file) ?? 0;
    if (done < file.size) progress.advance(file.size - done);
    counted.delete(file);
    notify();
  };
  const plugged = options.hashFile;
  let work: Promise<void>[];
  if (plugged === undefined) {
    // hashFiles yields in the order of the list; a big file is hashed here, by hashFile, with progress as it goes.
    const paths = toHash.map((file) => join(dir, file.path));
    const byPath = new Map(paths.map((path, i) => [path, toHash[i]!]));
    work = [
      (async () => {
        let index = 0;
        const results = hashFiles(paths, {
          linear: false,
          signal: stop.signal,
          hashDeferred: (path) => {
            const file = byPath.get(String(path))!;
            return hashFile(String(path), { linear: false, signal: stop.signal, onProgress: progressOf(file) });
          },
        });
        for await (const result of results) {
          if (failure !== undefined) return;
          settle(toHash[index++]!, result.error === undefined ? result : { error: result.error });
        }
      })(),
    ];
  } else {
    const hashOne = async (file: LocalFile): Promise<void> => {
      let outcome: { size: number; treeHash: Uint8Array | string } | { error: unknown };
      try {
        outcome = await plugged(join(dir, file.path), { signal: stop.signal, onProgress: progressOf(file) });
      } catch (error) {
        outcome = { error };
      }
      settle(file, outcome);
    };
    // Big files one at a time (hashFile spreads each over the pool), small ones `concurrency` at a time.
    const lane = async (queue: { files: LocalFile[]; next: number }): Promise<void> => {
      while (queue.next < queue.files.length && !stop.signal.aborted && failure === undefined) await hashOne(queue.files[queue.next++]!);
    };
    const big = { files: toHash.filter((f) => f.size >= PARALLEL_THRESHOLD), next: 0 };
    const small = { files: toHash.filter((f) => f.size < PARALLEL_THRESHOLD), next: 0 };
    work = [lane(big), ...Array.from({ length: Math.min(concurrency, small.files.length) }, () => lane(small))];
  }
  const lanes = work.map((p) =>
    p.catch((error: unknown) => {
      failure ??= { error };
      stop.abort(error);
    }),
  );
  let running = true;
  const all = Promise.all(lanes).then(() => {
    running = false;
    notify();
  });
  try {
    while (running || ready.length > 0) {
      if (ready.length > 0) {
        yield* ready.splice(0);
        continue;
      }
      if (failure !== undefined) break;
      await new Promise<void>((resolve) => (wake = resolve));
    }
    await all;
    if (failure !== undefined) throw failure.error;
    throwIfAborted(signal);
    progress.finish(total);
    yield* matcher.finish();
  } finally {
    signal?.removeEventListener('abort', onAbort);
    if (running) {
      stop.abort(new Error('the audit was stopped'));
      await all;
    }
  }
}
