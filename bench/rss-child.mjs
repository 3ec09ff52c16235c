// Child of bench/run.mjs: hashes one file with hashFile's default options and prints its peak RSS.
// A fresh process per measurement, so that one case's heap never inflates another's peak.
import { readFileSync, statSync } from 'node:fs';
import { hashFile } from '../dist/node/index.js';

/** Peak RSS in KiB. Linux's VmHWM belongs to this process image; getrusage's maxRSS survives exec
 * (so it would report the parent bench's peak), hence it is only the fallback. */
function peakRssKiB() {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match) return Number(match[1]);
  } catch {}
  return process.resourceUsage().maxRSS;
}

const path = process.argv[2];
const baselineRssKiB = peakRssKiB();
const started = performance.now();
await hashFile(path, process.argv[3] ? { engine: process.argv[3] } : {});
const seconds = (performance.now() - started) / 1000;
console.log(JSON.stringify({ baselineRssKiB, maxRssKiB: peakRssKiB(), mbPerSecond: statSync(path).size / seconds / 1e6 }));
