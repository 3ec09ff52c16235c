// `--progress` of the hashing commands: a bar on stderr (bytes done, total, MiB/s, ETA), drawn by
// cli-progress only when stderr is a terminal, unless forced with --force-progress (then, off a
// terminal, one line every 2 s: fit for a log). Never on stdout: stdout stays machine-readable.
// The numbers come from the library's onProgress; the rate and ETA are averages over the whole
// run so far (steadier than the last few reports of a fast hash).
import { createRequire } from 'node:module';
import type cliProgressModule from 'cli-progress';
import { MiB } from '../core/constants.js';
import { formatApproximateBytes } from '../core/format.js';
import type { HashProgress, ProgressCallback } from '../stream/progress.js';

/** The help text of the two options, the same on every command that hashes. */
export const PROGRESS_HELP = 'show a progress bar on stderr while hashing (bytes, total, MiB/s, ETA), when stderr is a terminal';
export const FORCE_PROGRESS_HELP = 'draw the progress bar on stderr even when it is not a terminal (then a line every 2 s)';

/** The commands' options that ask for a bar. */
export interface ProgressFlags {
  progress?: boolean;
  forceProgress?: boolean;
}

/** Seconds as `m:ss` or `h:mm:ss`. */
function formatDuration(seconds: number): string {
  const whole = Math.ceil(seconds);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = String(whole % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

const BAR_WIDTH = 24;

/**
 * One line of the bar: `[=====-----]  45%  18.0 GiB / 40.0 GiB  652.3 MiB/s  ETA 0:35  NAME`, or
 * without a known total `5.2 GiB  652.3 MiB/s  NAME`. The name comes last, so a narrow terminal
 * cuts it rather than the numbers.
 */
export function formatProgressLine(label: string, bytes: number, total: number | undefined, elapsedMs: number): string {
  const rate = elapsedMs > 0 ? (bytes / elapsedMs) * 1000 : 0;
  const speed = rate > 0 ? `${(rate / MiB).toFixed(1)} MiB/s` : '-- MiB/s';
  if (total === undefined) return `${formatApproximateBytes(bytes)}  ${speed}  ${label}`;
  const fraction = total === 0 ? 1 : Math.min(1, bytes / total);
  const filled = Math.round(fraction * BAR_WIDTH);
  const bar = `[${'='.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`;
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  const eta = bytes >= total ? '0:00' : rate > 0 ? formatDuration((total - bytes) / rate) : '--:--';
  return `${bar} ${percent}  ${formatApproximateBytes(bytes)} / ${formatApproximateBytes(total)}  ${speed}  ETA ${eta}  ${label}`;
}

/** A name fit for one terminal line: control characters (a newline in a file name) shown as `?`. */
function printable(name: string): string {
  // eslint-disable-next-line no-control-regex
  return name.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

/** A bar being drawn; {@link onProgress} goes to the library call, {@link stop} ends it (clearing it from a terminal). */
export interface ProgressBar {
  readonly onProgress: ProgressCallback;
  /** Wipes the bar from a terminal's line so that a line of stdout can be printed there; the next update redraws it. */
  clear(): void;
  stop(): void;
}

/**
 * A bar for hashing `label` on `stream` (stderr), or undefined when none is wanted: neither flag,
 * or `--progress` alone while the stream is not a terminal.
 * @example const bar = startProgressBar(file, options); try { await hashFile(file, { onProgress: bar?.onProgress }) } finally { bar?.stop() }
 */
export function startProgressBar(label: string, flags: ProgressFlags, stream: NodeJS.WriteStream = process.stderr): ProgressBar | undefined {
  const force = flags.forceProgress === true;
  if (!force && !(flags.progress === true && stream.isTTY === true)) return undefined;
  const name = printable(label);
  const startedAt = Date.now();
  let total: number | undefined;
  // Loaded only when a bar is drawn: it is a tenth of the command's start-up time otherwise.
  const cliProgress = createRequire(import.meta.url)('cli-progress') as typeof cliProgressModule;
  const bar = new cliProgress.SingleBar({
    stream,
    format: (_options, params) => formatProgressLine(name, params.value, total, Date.now() - startedAt),
    noTTYOutput: force,
    // Wrapping off would be a terminal mode to restore after Ctrl-C; cli-progress cuts the line to the width instead.
    linewrap: true,
    hideCursor: false,
    clearOnComplete: true,
    fps: 10,
  });
  bar.start(0, 0);
  return {
    onProgress: (progress: HashProgress) => {
      if (progress.total !== undefined && progress.total !== total) {
        total = progress.total;
        bar.setTotal(total);
      }
      bar.update(progress.bytes);
    },
    clear: () => {
      if (stream.isTTY === true) stream.write('\r\x1b[2K');
    },
    stop: () => bar.stop(),
  };
}

/**
 * Runs `hash` with a bar's callback (or undefined when no bar is wanted) and ends the bar however
 * `hash` ends, before the caller prints its result or error.
 * @example const result = await withProgressBar(file, options, (onProgress) => hashFile(file, { onProgress }));
 */
export async function withProgressBar<T>(
  label: string,
  flags: ProgressFlags,
  hash: (onProgress: ProgressCallback | undefined) => Promise<T>,
  stream: NodeJS.WriteStream = process.stderr,
): Promise<T> {
  const bar = startProgressBar(label, flags, stream);
  try {
    return await hash(bar?.onProgress);
  } finally {
    bar?.stop();
  }
}
