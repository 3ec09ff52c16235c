// Child of bench/run.mjs: hashes one file with hashFile's default options and prints its peak RSS.
// A fresh process per measurement, so that one case's heap never inflates another's peak.
import { statSync } from 'node:fs';
import { peakRssKiB } from './peak-rss.mjs';
import { hashFile } from '../dist/node/index.js';

const path = process.argv[2];
const baselineRssKiB = peakRssKiB();
const started = performance.now();
await hashFile(path, process.argv[3] ? { engine: process.argv[3] } : {});
const seconds = (performance.now() - started) / 1000;
console.log(JSON.stringify({ baselineRssKiB, maxRssKiB: peakRssKiB(), mbPerSecond: statSync(path).size / seconds / 1e6 }));
