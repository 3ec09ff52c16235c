// Child of bench/run.mjs: reads one JSON inventory with readInventoryJson (a file stream with
// Node's default 64 KiB chunks) and prints the archive count, the time and its peak RSS. A fresh
// process per measurement, so that the generator's heap never inflates the reader's peak.
import { createReadStream, readFileSync } from 'node:fs';
import { readInventoryJson } from '../dist/node/index.js';

/** Peak RSS in KiB (Linux's VmHWM; getrusage's maxRSS as the fallback, see rss-child.mjs). */
function peakRssKiB() {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match) return Number(match[1]);
  } catch {}
  return process.resourceUsage().maxRSS;
}

const baselineRssKiB = peakRssKiB();
const started = performance.now();
let archives = 0;
let bytes = 0;
for await (const archive of readInventoryJson(createReadStream(process.argv[2]))) {
  archives++;
  bytes += archive.size;
}
const seconds = (performance.now() - started) / 1000;
console.log(JSON.stringify({ archives, bytes, seconds, baselineRssKiB, maxRssKiB: peakRssKiB() }));
