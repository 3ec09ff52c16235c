// How the CLI reports a failure: one line on stderr naming what failed, in the words of the
// coreutils where the cause is a filesystem error; and the exit codes every command uses.
import { TreeHashError } from '../core/errors.js';
import { encodeName } from './names.js';
import { systemMessage } from './output.js';
import { quoteFileName } from './sums.js';

/** Exit code: everything worked and matched. */
export const EXIT_OK = 0;
/** Exit code: a verification ran and found a mismatch (or a check failed). */
export const EXIT_MISMATCH = 1;
/** Exit code: any other error (bad arguments, unreadable files). */
export const EXIT_ERROR = 2;

const FS_MESSAGES: Record<string, string> = {
  ENOENT: 'No such file or directory',
  EISDIR: 'Is a directory',
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  ELOOP: 'Too many levels of symbolic links',
  ENOTDIR: 'Not a directory',
};

/** The human message for a failure: the C library's words for a system error (as coreutils print them), else the error's message. */
export function describeFailure(error: unknown): string {
  const cause = error instanceof TreeHashError ? error.cause : error;
  const { code, errno } = (cause ?? {}) as { code?: unknown; errno?: unknown };
  if (typeof code === 'string' && FS_MESSAGES[code] !== undefined) return FS_MESSAGES[code];
  if (typeof code === 'string' && typeof errno === 'number') return systemMessage(cause);
  return error instanceof Error ? error.message : String(error);
}

/**
 * Prints `treehash: SUBJECT: WHY` and sets the exit code to {@link EXIT_ERROR}. Without a subject,
 * the path of a filesystem error is the subject (`treehash: /nonexist: No such file or directory`).
 * The subject is a file name, shell-quoted as coreutils quote names in messages (`'a b'`), so a
 * name with a newline stays on one line; a message that starts with the name does not repeat it.
 */
export function printFailure(subject: string | undefined, error: unknown): void {
  const cause = error instanceof TreeHashError ? error.cause : error;
  const path = (cause as { path?: unknown } | undefined)?.path;
  const shown = subject ?? (typeof path === 'string' ? path : undefined);
  let why = describeFailure(error);
  if (shown !== undefined) {
    // The library names a path as String(path): for a name that is not UTF-8, its lossy decoding.
    for (const name of new Set([shown, new TextDecoder().decode(encodeName(shown))])) {
      if (why.startsWith(`${name} `) || why.startsWith(`${name}: `)) why = why.slice(name.length).replace(/^:? /, '');
    }
  }
  process.stderr.write(`treehash: ${shown === undefined ? '' : `${quoteFileName(shown)}: `}${why}\n`);
  process.exitCode = EXIT_ERROR;
}
