// glacier-treehash/node: files and Node streams.
export { hashFile, hashStream, type HashFileOptions, type HashStreamOptions, type TreeChecksum } from './files.js';
