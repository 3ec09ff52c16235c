// The worker pool and the pipeline over it (see pipeline.ts, protocol.ts, worker.ts).
export { PARALLEL_THRESHOLD, Pipeline, leafWorkers, type PipelineOptions, type PoolLeaves } from './pipeline.js';
export { cores, poolWorkers } from './pool.js';
