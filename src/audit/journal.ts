// mt-aws-glacier's journal: an append-only log of what it did to a vault, one record a line,
// UTF-8. The record shapes and the checks follow its reader (lib/App/MtAws/Journal.pm,
// process_line): versions A, B and C are TAB-separated (B is what it writes; A requires an mtime),
// legacy version 0 is space-separated; a line of any other shape stops the read, as it does there.
import { TreeHashError } from '../core/errors.js';
import { normalizeName, recordLines, shown, treeHashOf } from './text.js';
import type { TextSource, VaultArchive } from './types.js';

const WHAT = 'the journal';

/** One record of a journal. `time` is Unix seconds. */
export type JournalRecord =
  | {
      type: 'CREATED';
      version: 'A' | 'B' | 'C' | '0';
      line: number;
      time: number;
      archiveId: string;
      size: number;
      mtime?: number;
      treeHash: string;
      name: string;
    }
  | { type: 'DELETED'; version: 'A' | 'B' | 'C' | '0'; line: number; time: number; archiveId: string; name: string }
  | { type: 'RETRIEVE_JOB'; version: 'A' | 'B' | 'C' | '0'; line: number; time: number; archiveId: string; jobId?: string };

const CREATED_ABC = /^([ABC])\t([0-9]{1,20})\tCREATED\t(\S+)\t([0-9]{1,20})\t([+-]?[0-9]{1,20}|NONE)\t(\S+)\t(.*)$/;
const DELETED_ABC = /^([ABC])\t([0-9]{1,20})\tDELETED\t(\S+)\t(.*)$/;
const RETRIEVE_ABC = /^([ABC])\t([0-9]{1,20})\tRETRIEVE_JOB\t(\S+)\t(.*)$/;
const CREATED_0 = /^([0-9]{1,20}) CREATED (\S+) ([0-9]{1,20}) (\S+) (.*)$/;
const DELETED_0 = /^([0-9]{1,20})\s+DELETED\s+(\S+)\s+(.*)$/;
const RETRIEVE_0 = /^([0-9]{1,20})\s+RETRIEVE_JOB\s+(\S+)$/;

function fail(line: number, message: string): TreeHashError {
  return new TreeHashError('ERR_INVALID_JOURNAL', `${WHAT}: line ${line}: ${message}`);
}

/** mt-aws-glacier's is_relative_filename: not empty, no TAB/CR/LF, no `//`, no leading `/`, no `.` or `..` part. */
function checkName(name: string, line: number): string {
  if (name === '' || /[\t\r\n]/.test(name) || name.includes('//') || name.startsWith('/') || /(^|\/)\.\.?(\/|$)/.test(name)) {
    throw fail(line, `${shown(name)} is not a relative file name (mt-aws-glacier writes names without leading "/", "//", "." or ".." parts)`);
  }
  return name;
}

/** A number of the record; a time must also fit a JavaScript Date (up to the year 275760). */
function numberOf(text: string, line: number, what: 'the time' | 'the size' | 'the mtime'): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || (what === 'the time' && value > 8.64e12)) throw fail(line, `${what} ${shown(text)} is too large`);
  return value;
}

function hashOf(text: string, line: number): string {
  const treeHash = treeHashOf(text);
  if (treeHash === undefined) throw fail(line, `the tree hash ${shown(text)} is not 64 hex digits`);
  return treeHash;
}

/** Parses one journal line (without its line ending). @throws {TreeHashError} `ERR_INVALID_JOURNAL` unless it is a known record. */
export function parseJournalLine(text: string, line: number): JournalRecord {
  let m: RegExpExecArray | null;
  if ((m = CREATED_ABC.exec(text))) {
    const version = m[1] as 'A' | 'B' | 'C';
    if (version === 'A' && m[5] === 'NONE') throw fail(line, 'a version A record must have an mtime, not NONE');
    return {
      type: 'CREATED',
      version,
      line,
      time: numberOf(m[2]!, line, 'the time'),
      archiveId: m[3]!,
      size: numberOf(m[4]!, line, 'the size'),
      ...(m[5] === 'NONE' ? {} : { mtime: numberOf(m[5]!, line, 'the mtime') }),
      treeHash: hashOf(m[6]!, line),
      name: checkName(m[7]!, line),
    };
  }
  if ((m = DELETED_ABC.exec(text))) {
    return { type: 'DELETED', version: m[1] as 'A' | 'B' | 'C', line, time: numberOf(m[2]!, line, 'the time'), archiveId: m[3]!, name: m[4]! };
  }
  if ((m = RETRIEVE_ABC.exec(text))) {
    return { type: 'RETRIEVE_JOB', version: m[1] as 'A' | 'B' | 'C', line, time: numberOf(m[2]!, line, 'the time'), archiveId: m[3]!, jobId: m[4]! };
  }
  if ((m = CREATED_0.exec(text))) {
    return {
      type: 'CREATED',
      version: '0',
      line,
      time: numberOf(m[1]!, line, 'the time'),
      archiveId: m[2]!,
      size: numberOf(m[3]!, line, 'the size'),
      treeHash: hashOf(m[4]!, line),
      name: checkName(m[5]!, line),
    };
  }
  if ((m = DELETED_0.exec(text))) return { type: 'DELETED', version: '0', line, time: numberOf(m[1]!, line, 'the time'), archiveId: m[2]!, name: m[3]! };
  if ((m = RETRIEVE_0.exec(text))) return { type: 'RETRIEVE_JOB', version: '0', line, time: numberOf(m[1]!, line, 'the time'), archiveId: m[2]! };
  if (/^[0-9]{1,20} /.test(text) || /^[A-C]\t/.test(text)) throw fail(line, `a broken record: ${shown(text)}`);
  if (/^[D-Z]\t/.test(text)) throw fail(line, `a record of journal version ${text[0]}, newer than this reader knows (A, B, C and 0)`);
  throw fail(line, `not a journal record (CREATED, DELETED or RETRIEVE_JOB of version A, B, C or 0): ${shown(text)}`);
}

/** The records of an mt-aws-glacier journal, one per line. @throws {TreeHashError} `ERR_INVALID_JOURNAL` naming the line. */
export async function* readJournalRecords(source: TextSource): AsyncGenerator<JournalRecord, void, undefined> {
  for await (const { text, number } of recordLines(source, WHAT, 'ERR_INVALID_JOURNAL')) yield parseJournalLine(text, number);
}

/**
 * Replays a journal into the archives it leaves in the vault, as mt-aws-glacier does: DELETED
 * removes that archive; of the archives left under one name, the latest CREATED wins (the
 * greatest time; on a tie, the later line), and the others are dropped. Archives come out in the
 * order of their CREATED lines. (mt-aws-glacier orders versions by mtime when it has one; the
 * upload time is what tells a re-upload from the copy it replaced.)
 * @throws {TreeHashError} `ERR_INVALID_JOURNAL` for a malformed line, an archive created twice,
 * or a DELETED of an archive that no earlier line created.
 */
export async function* readJournal(source: TextSource): AsyncGenerator<VaultArchive, void, undefined> {
  const archives = new Map<string, Extract<JournalRecord, { type: 'CREATED' }>>();
  for await (const record of readJournalRecords(source)) {
    if (record.type === 'CREATED') {
      const earlier = archives.get(record.archiveId);
      if (earlier) throw fail(record.line, `archive ${shown(record.archiveId)} was already created on line ${earlier.line}`);
      archives.set(record.archiveId, record);
    } else if (record.type === 'DELETED') {
      if (!archives.delete(record.archiveId)) throw fail(record.line, `deletes archive ${shown(record.archiveId)}, which no earlier line created`);
    }
  }
  const latest = new Map<string, Extract<JournalRecord, { type: 'CREATED' }>>();
  for (const record of archives.values()) {
    const name = normalizeName(record.name);
    const other = latest.get(name);
    if (other === undefined || record.time > other.time || (record.time === other.time && record.line > other.line)) latest.set(name, record);
  }
  const kept = [...latest.values()].sort((a, b) => a.line - b.line);
  for (const record of kept) {
    const creationTime = record.time * 1000;
    yield {
      archiveId: record.archiveId,
      size: record.size,
      treeHash: record.treeHash,
      creationDate: new Date(creationTime).toISOString().replace('.000Z', 'Z'),
      creationTime,
      name: normalizeName(record.name),
      line: record.line,
    };
  }
}
