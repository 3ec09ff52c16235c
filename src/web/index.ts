// glacier-treehash/web: adapters for Web streams. No node: imports.
export { createVerifier } from './verify.js';
