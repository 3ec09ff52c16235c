// glacier-treehash/node: files and Node streams.
export { hashFile, hashStream, type HashFileOptions } from './files.js';
export type { HashStreamOptions, TreeChecksum } from '../streaming.js';
