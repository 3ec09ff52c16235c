// How the CLI reports a failure: one line on stderr naming what failed, in the words of the
// coreutils where the cause is a filesystem error.
import { TreeHashError } from '../errors.js';

const FS_MESSAGES: Record<string, string> = {
  ENOENT: 'No such file or directory',
  EISDIR: 'Is a directory',
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  ELOOP: 'Too many levels of symbolic links',
  ENOTDIR: 'Not a directory',
};

/** The human message for a failure: coreutils' words for a filesystem error, else the error's message. */
export function describeFailure(error: unknown): string {
  const cause = error instanceof TreeHashError ? error.cause : error;
  const fsCode = (cause as { code?: unknown } | undefined)?.code;
  if (typeof fsCode === 'string' && FS_MESSAGES[fsCode]) return FS_MESSAGES[fsCode];
  return error instanceof Error ? error.message : String(error);
}

export function printFailure(subject: string, error: unknown): void {
  process.stderr.write(`treehash: ${subject}: ${describeFailure(error)}\n`);
}
