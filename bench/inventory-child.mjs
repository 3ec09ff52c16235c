// Child of bench/run.mjs: reads one JSON inventory with readInventoryJson (a file stream with
// Node's default 64 KiB chunks) and prints the archive count, the time and its peak RSS. A fresh
// process per measurement, so that the generator's heap never inflates the reader's peak.
import { createReadStream } from 'node:fs';
import { peakRssKiB } from './peak-rss.mjs';
import { readInventoryJson } from '../dist/node/index.js';

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
