// Runs the whole oracle suite on one engine: vitest.config.ts starts one project per engine and
// sets TREEHASH_TEST_ENGINE; every API call that names no engine then uses that one.
import { type Engine, ENGINES } from '../src/hash/engine.js';
import { setDefaultEngine } from '../src/hash/engine.js';

const requested = process.env.TREEHASH_TEST_ENGINE;
if (requested !== undefined && !(ENGINES as readonly string[]).includes(requested)) {
  throw new Error(`TREEHASH_TEST_ENGINE must be one of ${ENGINES.join(', ')}, got ${requested}`);
}
/** The engine this run of the suite tests. */
export const testEngine: Engine = (requested as Engine | undefined) ?? 'auto';
setDefaultEngine(testEngine);
