// The kernel bytes in the package variant for hosts that cannot compile Wasm from bytes anyway
// (package.json "imports" maps #embedded-kernel here under the 'workerd' and 'edge-light'
// conditions, and the 'glacier-treehash-precompiled' condition any bundler can set): no bytes, so
// the bundle is smaller by both builds. The host hands in a precompiled module (setKernelModule),
// or engine 'auto' runs the kernel in JavaScript.
export const SCALAR_WASM_HEX: string = '';
export const SIMD_WASM_HEX: string = '';
