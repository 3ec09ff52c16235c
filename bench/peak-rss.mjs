// Peak RSS of this process, for the bench's child processes (rss-child.mjs, inventory-child.mjs).
import { readFileSync } from 'node:fs';

/** Peak RSS in KiB. Linux's VmHWM belongs to this process image; getrusage's maxRSS survives exec
 * (so it would report the parent bench's peak), hence it is only the fallback. */
export function peakRssKiB() {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match) return Number(match[1]);
  } catch {}
  return process.resourceUsage().maxRSS;
}
