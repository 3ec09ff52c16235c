// Matching a vault's archives to local files, without I/O: the audit on disk (src/node/audit.ts)
// lists the files, asks this which to hash, hands back each tree hash, and streams the results.
import { TreeHashError } from '../core/errors.js';
import { normalizeName, shown } from './text.js';
import type { VaultArchive } from './types.js';

/**
 * What the audit found for an archive or a local file:
 * - `ok`: the archive and the local file have the same size and tree hash;
 * - `treehash-mismatch`: same size, different tree hash;
 * - `size-mismatch`: the local file has another size (decided without hashing);
 * - `missing`: an archive with no local file;
 * - `not-in-vault`: a local file that no archive matches;
 * - `duplicate`: an archive with the same size and tree hash as an earlier one (`duplicateOf`);
 * - `unreadable`: a local file that could not be read (`error` says why).
 */
export type AuditStatus = 'ok' | 'treehash-mismatch' | 'size-mismatch' | 'missing' | 'not-in-vault' | 'duplicate' | 'unreadable';

/** Every status, in the order summaries list them. */
export const AUDIT_STATUSES: readonly AuditStatus[] = ['ok', 'treehash-mismatch', 'size-mismatch', 'missing', 'not-in-vault', 'duplicate', 'unreadable'];

/** One finding of the audit. */
export interface AuditResult {
  status: AuditStatus;
  /** Relative, `/`-separated: the local file's path where there is one, else the archive's decoded name (absent when empty). */
  path?: string;
  archiveId?: string;
  /** The archive's size and tree hash. */
  size?: number;
  treeHash?: string;
  creationDate?: string;
  /** The local file's size and tree hash, where they were read. */
  localSize?: number;
  localTreeHash?: string;
  /** For `duplicate`: the ArchiveId of the earliest archive with the same size and tree hash. */
  duplicateOf?: string;
  /** For `duplicate` by name: how the local file of its name compares with it. */
  local?: 'ok' | 'treehash-mismatch' | 'size-mismatch' | 'missing';
  /** For `unreadable`: why. */
  error?: string;
}

/** A regular file under the audited directory. */
export interface LocalFile {
  /** Relative to the directory, `/`-separated. */
  readonly path: string;
  readonly size: number;
}

/** The key two names match on: backslashes as `/`, no leading `/` or `./`, Unicode NFC. */
export function nameKey(name: string): string {
  return normalizeName(name).normalize('NFC');
}

/**
 * Archives by content: keyed by tree hash (a string each archive already holds, so a vault of
 * millions builds no new keys), then told apart by size.
 */
class ContentIndex {
  readonly #byHash = new Map<string, VaultArchive | VaultArchive[]>();

  get(size: number, treeHash: string): VaultArchive | undefined {
    const entry = this.#byHash.get(treeHash);
    if (entry === undefined || !Array.isArray(entry)) return entry?.size === size ? entry : undefined;
    return entry.find((a) => a.size === size);
  }

  /** Keeps `archive` for its content; where another has that content, only if `replaces(other)`. */
  set(archive: VaultArchive, replaces: (current: VaultArchive) => boolean = () => true): void {
    const entry = this.#byHash.get(archive.treeHash);
    if (entry === undefined) this.#byHash.set(archive.treeHash, archive);
    else if (!Array.isArray(entry)) {
      if (entry.size !== archive.size) this.#byHash.set(archive.treeHash, [entry, archive]);
      else if (replaces(entry)) this.#byHash.set(archive.treeHash, archive);
    } else {
      const at = entry.findIndex((a) => a.size === archive.size);
      if (at < 0) entry.push(archive);
      else if (replaces(entry[at]!)) entry[at] = archive;
    }
  }
}

/**
 * For each archive that repeats an earlier one's size and tree hash, the ArchiveId of the
 * original: the earliest CreationDate (on a tie, the first listed).
 * @throws {TreeHashError} `ERR_INVALID_INVENTORY` when an ArchiveId is listed twice.
 */
export function findDuplicates(archives: readonly VaultArchive[]): Map<VaultArchive, VaultArchive> {
  const seen = new Map<string, VaultArchive>();
  const originals = new ContentIndex();
  for (const archive of archives) {
    const other = seen.get(archive.archiveId);
    if (other !== undefined) {
      const where = (a: VaultArchive): string => (a.line !== undefined ? `line ${a.line}` : `byte ${a.offset}`);
      throw new TreeHashError('ERR_INVALID_INVENTORY', `archive ${shown(archive.archiveId)} is listed twice (${where(other)} and ${where(archive)})`);
    }
    seen.set(archive.archiveId, archive);
    originals.set(archive, (original) => archive.creationTime < original.creationTime);
  }
  const duplicates = new Map<VaultArchive, VaultArchive>();
  for (const archive of archives) {
    const original = originals.get(archive.size, archive.treeHash)!;
    if (original !== archive) duplicates.set(archive, original);
  }
  return duplicates;
}

function archiveFields(archive: VaultArchive): Pick<AuditResult, 'archiveId' | 'size' | 'treeHash' | 'creationDate'> {
  return { archiveId: archive.archiveId, size: archive.size, treeHash: archive.treeHash, creationDate: archive.creationDate };
}

const named = (name: string): { path?: string } => (name === '' ? {} : { path: name });

/**
 * The matching of one audit: built from all archives and all local files; {@link immediate} gives
 * what needs no hashing, {@link toHash} the files to hash, {@link hashed} / {@link unreadable} what
 * each hash settles, {@link finish} the rest once every file is hashed.
 */
export class VaultMatcher {
  readonly #by: 'name' | 'content';
  readonly #archives: readonly VaultArchive[];
  readonly #duplicates: Map<VaultArchive, VaultArchive>;
  readonly #files: readonly LocalFile[];
  /** What needs no hashing, kept small (a vault of millions would otherwise hold a result object per archive): */
  readonly #missing: VaultArchive[] = [];
  readonly #sizeMismatch: [VaultArchive, LocalFile][] = [];
  /** Local files that no archive can match. */
  readonly #unmatched = new Set<LocalFile>();
  readonly #toHash: LocalFile[] = [];
  /** By name: the archives waiting for each file's hash. */
  readonly #waiting = new Map<LocalFile, VaultArchive[]>();
  /** By content: the original archive of each content, and whether a local file matched it. */
  readonly #byContent = new ContentIndex();
  readonly #found = new Map<VaultArchive, string>();

  constructor(archives: readonly VaultArchive[], files: readonly LocalFile[], by: 'name' | 'content') {
    this.#by = by;
    this.#archives = archives;
    this.#files = files;
    this.#duplicates = findDuplicates(archives);
    if (by === 'name') this.#planByName(files);
    else this.#planByContent(files);
  }

  #planByName(files: readonly LocalFile[]): void {
    const byName = new Map<string, LocalFile[]>();
    for (const file of files) {
      const key = nameKey(file.path);
      const list = byName.get(key);
      if (list) list.push(file);
      else byName.set(key, [file]);
    }
    const claimed = new Set<LocalFile>();
    for (const archive of this.#archives) {
      const candidates = byName.get(nameKey(archive.name));
      const file = candidates?.find((f) => f.path === archive.name) ?? candidates?.[0];
      if (file === undefined) {
        this.#missing.push(archive);
        continue;
      }
      claimed.add(file);
      if (file.size !== archive.size) {
        this.#sizeMismatch.push([archive, file]);
        continue;
      }
      const waiting = this.#waiting.get(file);
      if (waiting) waiting.push(archive);
      else {
        this.#waiting.set(file, [archive]);
        this.#toHash.push(file);
      }
    }
    for (const file of files) if (!claimed.has(file)) this.#unmatched.add(file);
  }

  #planByContent(files: readonly LocalFile[]): void {
    const sizes = new Set<number>();
    for (const archive of this.#archives) {
      sizes.add(archive.size);
      if (!this.#duplicates.has(archive)) this.#byContent.set(archive);
    }
    for (const file of files) {
      // A file of a size no archive has is in no archive: no need to hash it.
      if (sizes.has(file.size)) this.#toHash.push(file);
      else this.#unmatched.add(file);
    }
  }

  /** A result for `archive`: its own status, or `duplicate` (with `local` the comparison's) when it repeats an earlier archive. */
  #result(archive: VaultArchive, status: Exclude<AuditStatus, 'not-in-vault' | 'duplicate' | 'unreadable'>, extra: Partial<AuditResult>): AuditResult {
    const original = this.#duplicates.get(archive);
    if (original === undefined) return { status, ...extra, ...archiveFields(archive) };
    return { status: 'duplicate', ...extra, ...archiveFields(archive), duplicateOf: original.archiveId, ...(this.#by === 'name' ? { local: status } : {}) };
  }

  /** Results known without hashing: missing or size-mismatched archives, files no archive can match (made as they are taken). */
  *immediate(): Generator<AuditResult, void, undefined> {
    for (const archive of this.#missing.splice(0)) yield this.#result(archive, 'missing', named(archive.name));
    for (const [archive, file] of this.#sizeMismatch.splice(0)) yield this.#result(archive, 'size-mismatch', { path: file.path, localSize: file.size });
    for (const file of this.#files) if (this.#unmatched.delete(file)) yield { status: 'not-in-vault', path: file.path, localSize: file.size };
  }

  /** The files to hash (each once), and the bytes they hold. */
  toHash(): readonly LocalFile[] {
    return this.#toHash;
  }

  /** The results that the tree hash of `file` settles. */
  hashed(file: LocalFile, size: number, treeHash: string): AuditResult[] {
    const local = { path: file.path, localSize: size, localTreeHash: treeHash };
    if (this.#by === 'name') {
      return (this.#waiting.get(file) ?? []).map((archive) =>
        this.#result(archive, size !== archive.size ? 'size-mismatch' : treeHash !== archive.treeHash ? 'treehash-mismatch' : 'ok', local),
      );
    }
    const archive = this.#byContent.get(size, treeHash);
    if (archive === undefined) return [{ status: 'not-in-vault', ...local }];
    if (!this.#found.has(archive)) this.#found.set(archive, file.path);
    return [{ status: 'ok', ...local, ...archiveFields(archive) }];
  }

  /** The result for a file that could not be read. */
  unreadable(file: LocalFile, error: string): AuditResult[] {
    return [{ status: 'unreadable', path: file.path, localSize: file.size, error }];
  }

  /** By content, once every file is hashed: archives no file matched, and the duplicates. */
  finish(): AuditResult[] {
    if (this.#by === 'name') return [];
    const results: AuditResult[] = [];
    for (const archive of this.#archives) {
      const original = this.#duplicates.get(archive);
      const path = this.#found.get(original ?? archive);
      if (original !== undefined) {
        results.push({
          status: 'duplicate',
          ...(path === undefined ? named(archive.name) : { path }),
          ...archiveFields(archive),
          duplicateOf: original.archiveId,
        });
      } else if (path === undefined) {
        results.push({ status: 'missing', ...named(archive.name), ...archiveFields(archive) });
      }
    }
    return results;
  }
}
