// SHA-256 of four equal-length messages at once, one per 32-bit lane of v128 (multi-buffer SIMD).
// Only compiled into the SIMD build (tree.ts calls it under `if (ASC_FEATURE_SIMD)`). SHA-256 is
// sequential within a message, so lanes must be independent messages: four 1 MiB leaves.
//
// Register pressure decides the speed here: x86-64 has 16 vector registers, and eight state
// vectors plus sixteen schedule vectors would spill. So each block's schedule is expanded into
// memory first (W + K per round, 1 KiB, hot in L1), and the rounds keep only the eight state
// vectors and a few temporaries in registers.

// FIPS 180-4, 4.2.2.
const K: usize = memory.data<u32>([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

// K[i] in all four lanes, filled once at instantiation (of the SIMD build only).
const K4: usize = memory.data(64 * 16, 16);
if (ASC_FEATURE_SIMD) {
  for (let i: usize = 0; i < 64; i++) v128.store(K4 + (i << 4), i32x4.splat(load<u32>(K + (i << 2))));
}

const W: usize = memory.data(64 * 16, 16); // message schedule, four lanes per word
const WK: usize = memory.data(64 * 16, 16); // W[i] + K[i], what the rounds add
const H: usize = memory.data(8 * 16, 16); // the four states, word-major (H[j] holds word j of each lane)

// @ts-ignore: decorator
@inline function rotr(x: v128, n: i32): v128 { return v128.or(i32x4.shr_u(x, n), i32x4.shl(x, 32 - n)); }
// @ts-ignore: decorator
@inline function bigSigma0(x: v128): v128 { return v128.xor(v128.xor(rotr(x, 2), rotr(x, 13)), rotr(x, 22)); }
// @ts-ignore: decorator
@inline function bigSigma1(x: v128): v128 { return v128.xor(v128.xor(rotr(x, 6), rotr(x, 11)), rotr(x, 25)); }
// @ts-ignore: decorator
@inline function smallSigma0(x: v128): v128 { return v128.xor(v128.xor(rotr(x, 7), rotr(x, 18)), i32x4.shr_u(x, 3)); }
// @ts-ignore: decorator
@inline function smallSigma1(x: v128): v128 { return v128.xor(v128.xor(rotr(x, 17), rotr(x, 19)), i32x4.shr_u(x, 10)); }

/**
 * Loads words 4g..4g+3 of the block at offset `at` of each message into W, transposed (lane j =
 * message j) and byte-swapped: one byte shuffle per load, then a 4×4 transpose of 32-bit words.
 */
// @ts-ignore: decorator
@inline function loadWords(p0: usize, p1: usize, p2: usize, p3: usize, g: usize): void {
  const swap = i8x16(3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12);
  const m0 = i8x16.swizzle(v128.load(p0 + (g << 4)), swap);
  const m1 = i8x16.swizzle(v128.load(p1 + (g << 4)), swap);
  const m2 = i8x16.swizzle(v128.load(p2 + (g << 4)), swap);
  const m3 = i8x16.swizzle(v128.load(p3 + (g << 4)), swap);
  const t0 = i32x4.shuffle(m0, m1, 0, 4, 1, 5); // a0 b0 a1 b1
  const t1 = i32x4.shuffle(m0, m1, 2, 6, 3, 7); // a2 b2 a3 b3
  const t2 = i32x4.shuffle(m2, m3, 0, 4, 1, 5); // c0 d0 c1 d1
  const t3 = i32x4.shuffle(m2, m3, 2, 6, 3, 7); // c2 d2 c3 d3
  const w = W + (g << 6);
  v128.store(w, i64x2.shuffle(t0, t2, 0, 2), 0);
  v128.store(w, i64x2.shuffle(t0, t2, 1, 3), 16);
  v128.store(w, i64x2.shuffle(t1, t3, 0, 2), 32);
  v128.store(w, i64x2.shuffle(t1, t3, 1, 3), 48);
}

/**
 * Expands W[0..16) to the whole schedule and writes W + K for every round. Written out in full
 * (word i at byte offset 16 * i; for i >= 16, W[i] = σ1(W[i-2]) + W[i-7] + σ0(W[i-15]) + W[i-16]):
 * the kernel is bound by vector ALU throughput, and a loop's index arithmetic and interrupt checks
 * compete for the same ports (measured: about 2% faster than the loop).
 */
function expandSchedule(): void {
  let x: v128;
  v128.store(WK, i32x4.add(v128.load(W, 0), v128.load(K4, 0)), 0);
  v128.store(WK, i32x4.add(v128.load(W, 16), v128.load(K4, 16)), 16);
  v128.store(WK, i32x4.add(v128.load(W, 32), v128.load(K4, 32)), 32);
  v128.store(WK, i32x4.add(v128.load(W, 48), v128.load(K4, 48)), 48);
  v128.store(WK, i32x4.add(v128.load(W, 64), v128.load(K4, 64)), 64);
  v128.store(WK, i32x4.add(v128.load(W, 80), v128.load(K4, 80)), 80);
  v128.store(WK, i32x4.add(v128.load(W, 96), v128.load(K4, 96)), 96);
  v128.store(WK, i32x4.add(v128.load(W, 112), v128.load(K4, 112)), 112);
  v128.store(WK, i32x4.add(v128.load(W, 128), v128.load(K4, 128)), 128);
  v128.store(WK, i32x4.add(v128.load(W, 144), v128.load(K4, 144)), 144);
  v128.store(WK, i32x4.add(v128.load(W, 160), v128.load(K4, 160)), 160);
  v128.store(WK, i32x4.add(v128.load(W, 176), v128.load(K4, 176)), 176);
  v128.store(WK, i32x4.add(v128.load(W, 192), v128.load(K4, 192)), 192);
  v128.store(WK, i32x4.add(v128.load(W, 208), v128.load(K4, 208)), 208);
  v128.store(WK, i32x4.add(v128.load(W, 224), v128.load(K4, 224)), 224);
  v128.store(WK, i32x4.add(v128.load(W, 240), v128.load(K4, 240)), 240);
  x = i32x4.add(i32x4.add(smallSigma1(v128.load(W, 224)), v128.load(W, 144)), i32x4.add(smallSigma0(v128.load(W, 16)), v128.load(W, 0)));
  v128.store(W, x, 256); v128.store(WK, i32x4.add(x, v128.load(K4, 256)), 256);
  x = i32x4.add(i32x4.add(smallSigma1(v128.load(W, 240)), v128.load(W, 160)), i32x4.add(smallSigma0(v128.load(W, 32)), v128.load(W, 16)));
  v128.store(W, x, 272); v128.store(WK, i32x4.add(x, v128.load(K4, 272)), 272);
  x = i32x4.add(i32x4.add(smallSigma1(v128.load(W, 256)), v128.load(W, 176)), i32x4.add(smallSigma0(v128.load(W, 48)), v128.load(W, 32)));
  v128.store(W, x, 288); v128.store(WK, i32x4.add(x, v128.load(K4, 288)), 288);
  x = i32x4.add(i32x4.add(smallSigma1(v128.load(W, 272)), v128.load(W, 192)), i32x4.add(smallSigma0(v128.load(W, 64)), v128.load(W, 48)));
  v128.store(W, x, 304); v128.store(WK, i32x4.add(x, v128.load(K4, 304)), 304);
  x = i32x4.add(i32x4.add(smallSigma1(v128.load(W, 288)), v128.load(W, 208)), i32x4.add(smallSigma0(v128.load(W, 80)), v128.load(W, 64)));
  v128.store(W, x, 320); v128.store(WK, i32x4.add(x, v128.load(K4, 320)), 320);
  x = i32x4.add(i32x4.add(smallSigma1(v128.load(W, 304)), v128.load(W, 224)), i32x4.add(smallSigma0(v128.load(W, 96)), v128.load(W, 80)));
  v128.store(W, x, 336); v128.store(WK, i32x4.add(x, v128.load(K4, 336)), 336);
  x = i32x4.add(i32x4.add(smallSigma1(v128.load(W, 320)), v128.load(W, 240)), i32x4.add(smallSigma0(v128.load(W, 112)), v128.load(W, 96)));
  v128.store(W, x, 352); v128.store(WK, i32x4.add(x, v128.load(K4, 352)), 352);
  x = i32x4.add(i32x4.add(smallSigma1(v128.load(W, 336)), v128.load(W, 256)), i32x4.add(smallSigma0(v128.load(W, 128)), v128.load(W, 112)));
  v128.store(W, x, 368); v128.store(WK, i32x4.add(x, v128.load(K4, 368)), 368);
  x = i32x4.add(i32x4.add(smallSigma1(v128.load(W, 352)), v128.load(W, 272)), i32x4.add(smallSigma0(v128.load(W, 144)), v128.load(W, 128)));
  v128.store(W, x, 384); v128.store(WK, i32x4.add(x, v128.load(K4, 384)), 384);
  x = i32x4.add(i32x4.add(smallSigma1(v128.load(W, 368)), v128.load(W, 288)), i32x4.add(smallSigma0(v128.load(W, 160)), v128.load(W, 144)));
  v128.store(W, x, 400); v128.store(WK, i32x4.add(x, v128.load(K4, 400)), 400);
  x = i32x4.add(i32x4.add(smallSigma1(v128.load(W, 384)), v128.load(W, 304)), i32x4.add(smallSigma0(v128.load(W, 176)), v128.load(W, 160)));
  v128.store(W, x, 416); v128.store(WK, i32x4.add(x, v128.load(K4, 416)), 416);
  x = i32x4.add(i32x4.add(smallSigma1(v128.load(W, 400)), v128.load(W, 320)), i32x4.add(smallSigma0(v128.load(W, 192)), v128.load(W, 176)));
  v128.store(W, x, 432); v128.store(WK, i32x4.add(x, v128.load(K4, 432)), 432);
  x = i32x4.add(i32x4.add(smallSigma1(v128.load(W, 416)), v128.load(W, 336)), i32x4.add(smallSigma0(v128.load(W, 208)), v128.load(W, 192)));
  v128.store(W, x, 448); v128.store(WK, i32x4.add(x, v128.load(K4, 448)), 448);
  x = i32x4.add(i32x4.add(smallSigma1(v128.load(W, 432)), v128.load(W, 352)), i32x4.add(smallSigma0(v128.load(W, 224)), v128.load(W, 208)));
  v128.store(W, x, 464); v128.store(WK, i32x4.add(x, v128.load(K4, 464)), 464);
  x = i32x4.add(i32x4.add(smallSigma1(v128.load(W, 448)), v128.load(W, 368)), i32x4.add(smallSigma0(v128.load(W, 240)), v128.load(W, 224)));
  v128.store(W, x, 480); v128.store(WK, i32x4.add(x, v128.load(K4, 480)), 480);
  x = i32x4.add(i32x4.add(smallSigma1(v128.load(W, 464)), v128.load(W, 384)), i32x4.add(smallSigma0(v128.load(W, 256)), v128.load(W, 240)));
  v128.store(W, x, 496); v128.store(WK, i32x4.add(x, v128.load(K4, 496)), 496);
  x = i32x4.add(i32x4.add(smallSigma1(v128.load(W, 480)), v128.load(W, 400)), i32x4.add(smallSigma0(v128.load(W, 272)), v128.load(W, 256)));
  v128.store(W, x, 512); v128.store(WK, i32x4.add(x, v128.load(K4, 512)), 512);
  x = i32x4.add(i32x4.add(smallSigma1(v128.load(W, 496)), v128.load(W, 416)), i32x4.add(smallSigma0(v128.load(W, 288)), v128.load(W, 272)));
  v128.store(W, x, 528); v128.store(WK, i32x4.add(x, v128.load(K4, 528)), 528);
  x = i32x4.add(i32x4.add(smallSigma1(v128.load(W, 512)), v128.load(W, 432)), i32x4.add(smallSigma0(v128.load(W, 304)), v128.load(W, 288)));
  v128.store(W, x, 544); v128.store(WK, i32x4.add(x, v128.load(K4, 544)), 544);
  x = i32x4.add(i32x4.add(smallSigma1(v128.load(W, 528)), v128.load(W, 448)), i32x4.add(smallSigma0(v128.load(W, 320)), v128.load(W, 304)));
  v128.store(W, x, 560); v128.store(WK, i32x4.add(x, v128.load(K4, 560)), 560);
  x = i32x4.add(i32x4.add(smallSigma1(v128.load(W, 544)), v128.load(W, 464)), i32x4.add(smallSigma0(v128.load(W, 336)), v128.load(W, 320)));
  v128.store(W, x, 576); v128.store(WK, i32x4.add(x, v128.load(K4, 576)), 576);
  x = i32x4.add(i32x4.add(smallSigma1(v128.load(W, 560)), v128.load(W, 480)), i32x4.add(smallSigma0(v128.load(W, 352)), v128.load(W, 336)));
  v128.store(W, x, 592); v128.store(WK, i32x4.add(x, v128.load(K4, 592)), 592);
  x = i32x4.add(i32x4.add(smallSigma1(v128.load(W, 576)), v128.load(W, 496)), i32x4.add(smallSigma0(v128.load(W, 368)), v128.load(W, 352)));
  v128.store(W, x, 608); v128.store(WK, i32x4.add(x, v128.load(K4, 608)), 608);
  x = i32x4.add(i32x4.add(smallSigma1(v128.load(W, 592)), v128.load(W, 512)), i32x4.add(smallSigma0(v128.load(W, 384)), v128.load(W, 368)));
  v128.store(W, x, 624); v128.store(WK, i32x4.add(x, v128.load(K4, 624)), 624);
  x = i32x4.add(i32x4.add(smallSigma1(v128.load(W, 608)), v128.load(W, 528)), i32x4.add(smallSigma0(v128.load(W, 400)), v128.load(W, 384)));
  v128.store(W, x, 640); v128.store(WK, i32x4.add(x, v128.load(K4, 640)), 640);
  x = i32x4.add(i32x4.add(smallSigma1(v128.load(W, 624)), v128.load(W, 544)), i32x4.add(smallSigma0(v128.load(W, 416)), v128.load(W, 400)));
  v128.store(W, x, 656); v128.store(WK, i32x4.add(x, v128.load(K4, 656)), 656);
  x = i32x4.add(i32x4.add(smallSigma1(v128.load(W, 640)), v128.load(W, 560)), i32x4.add(smallSigma0(v128.load(W, 432)), v128.load(W, 416)));
  v128.store(W, x, 672); v128.store(WK, i32x4.add(x, v128.load(K4, 672)), 672);
  x = i32x4.add(i32x4.add(smallSigma1(v128.load(W, 656)), v128.load(W, 576)), i32x4.add(smallSigma0(v128.load(W, 448)), v128.load(W, 432)));
  v128.store(W, x, 688); v128.store(WK, i32x4.add(x, v128.load(K4, 688)), 688);
  x = i32x4.add(i32x4.add(smallSigma1(v128.load(W, 672)), v128.load(W, 592)), i32x4.add(smallSigma0(v128.load(W, 464)), v128.load(W, 448)));
  v128.store(W, x, 704); v128.store(WK, i32x4.add(x, v128.load(K4, 704)), 704);
  x = i32x4.add(i32x4.add(smallSigma1(v128.load(W, 688)), v128.load(W, 608)), i32x4.add(smallSigma0(v128.load(W, 480)), v128.load(W, 464)));
  v128.store(W, x, 720); v128.store(WK, i32x4.add(x, v128.load(K4, 720)), 720);
  x = i32x4.add(i32x4.add(smallSigma1(v128.load(W, 704)), v128.load(W, 624)), i32x4.add(smallSigma0(v128.load(W, 496)), v128.load(W, 480)));
  v128.store(W, x, 736); v128.store(WK, i32x4.add(x, v128.load(K4, 736)), 736);
  x = i32x4.add(i32x4.add(smallSigma1(v128.load(W, 720)), v128.load(W, 640)), i32x4.add(smallSigma0(v128.load(W, 512)), v128.load(W, 496)));
  v128.store(W, x, 752); v128.store(WK, i32x4.add(x, v128.load(K4, 752)), 752);
  x = i32x4.add(i32x4.add(smallSigma1(v128.load(W, 736)), v128.load(W, 656)), i32x4.add(smallSigma0(v128.load(W, 528)), v128.load(W, 512)));
  v128.store(W, x, 768); v128.store(WK, i32x4.add(x, v128.load(K4, 768)), 768);
  x = i32x4.add(i32x4.add(smallSigma1(v128.load(W, 752)), v128.load(W, 672)), i32x4.add(smallSigma0(v128.load(W, 544)), v128.load(W, 528)));
  v128.store(W, x, 784); v128.store(WK, i32x4.add(x, v128.load(K4, 784)), 784);
  x = i32x4.add(i32x4.add(smallSigma1(v128.load(W, 768)), v128.load(W, 688)), i32x4.add(smallSigma0(v128.load(W, 560)), v128.load(W, 544)));
  v128.store(W, x, 800); v128.store(WK, i32x4.add(x, v128.load(K4, 800)), 800);
  x = i32x4.add(i32x4.add(smallSigma1(v128.load(W, 784)), v128.load(W, 704)), i32x4.add(smallSigma0(v128.load(W, 576)), v128.load(W, 560)));
  v128.store(W, x, 816); v128.store(WK, i32x4.add(x, v128.load(K4, 816)), 816);
  x = i32x4.add(i32x4.add(smallSigma1(v128.load(W, 800)), v128.load(W, 720)), i32x4.add(smallSigma0(v128.load(W, 592)), v128.load(W, 576)));
  v128.store(W, x, 832); v128.store(WK, i32x4.add(x, v128.load(K4, 832)), 832);
  x = i32x4.add(i32x4.add(smallSigma1(v128.load(W, 816)), v128.load(W, 736)), i32x4.add(smallSigma0(v128.load(W, 608)), v128.load(W, 592)));
  v128.store(W, x, 848); v128.store(WK, i32x4.add(x, v128.load(K4, 848)), 848);
  x = i32x4.add(i32x4.add(smallSigma1(v128.load(W, 832)), v128.load(W, 752)), i32x4.add(smallSigma0(v128.load(W, 624)), v128.load(W, 608)));
  v128.store(W, x, 864); v128.store(WK, i32x4.add(x, v128.load(K4, 864)), 864);
  x = i32x4.add(i32x4.add(smallSigma1(v128.load(W, 848)), v128.load(W, 768)), i32x4.add(smallSigma0(v128.load(W, 640)), v128.load(W, 624)));
  v128.store(W, x, 880); v128.store(WK, i32x4.add(x, v128.load(K4, 880)), 880);
  x = i32x4.add(i32x4.add(smallSigma1(v128.load(W, 864)), v128.load(W, 784)), i32x4.add(smallSigma0(v128.load(W, 656)), v128.load(W, 640)));
  v128.store(W, x, 896); v128.store(WK, i32x4.add(x, v128.load(K4, 896)), 896);
  x = i32x4.add(i32x4.add(smallSigma1(v128.load(W, 880)), v128.load(W, 800)), i32x4.add(smallSigma0(v128.load(W, 672)), v128.load(W, 656)));
  v128.store(W, x, 912); v128.store(WK, i32x4.add(x, v128.load(K4, 912)), 912);
  x = i32x4.add(i32x4.add(smallSigma1(v128.load(W, 896)), v128.load(W, 816)), i32x4.add(smallSigma0(v128.load(W, 688)), v128.load(W, 672)));
  v128.store(W, x, 928); v128.store(WK, i32x4.add(x, v128.load(K4, 928)), 928);
  x = i32x4.add(i32x4.add(smallSigma1(v128.load(W, 912)), v128.load(W, 832)), i32x4.add(smallSigma0(v128.load(W, 704)), v128.load(W, 688)));
  v128.store(W, x, 944); v128.store(WK, i32x4.add(x, v128.load(K4, 944)), 944);
  x = i32x4.add(i32x4.add(smallSigma1(v128.load(W, 928)), v128.load(W, 848)), i32x4.add(smallSigma0(v128.load(W, 720)), v128.load(W, 704)));
  v128.store(W, x, 960); v128.store(WK, i32x4.add(x, v128.load(K4, 960)), 960);
  x = i32x4.add(i32x4.add(smallSigma1(v128.load(W, 944)), v128.load(W, 864)), i32x4.add(smallSigma0(v128.load(W, 736)), v128.load(W, 720)));
  v128.store(W, x, 976); v128.store(WK, i32x4.add(x, v128.load(K4, 976)), 976);
  x = i32x4.add(i32x4.add(smallSigma1(v128.load(W, 960)), v128.load(W, 880)), i32x4.add(smallSigma0(v128.load(W, 752)), v128.load(W, 736)));
  v128.store(W, x, 992); v128.store(WK, i32x4.add(x, v128.load(K4, 992)), 992);
  x = i32x4.add(i32x4.add(smallSigma1(v128.load(W, 976)), v128.load(W, 896)), i32x4.add(smallSigma0(v128.load(W, 768)), v128.load(W, 752)));
  v128.store(W, x, 1008); v128.store(WK, i32x4.add(x, v128.load(K4, 1008)), 1008);
}

/** The 64 rounds over the schedule in WK, added into the states at H. */
function compress4(): void {
  let a = v128.load(H, 0), b = v128.load(H, 16), c = v128.load(H, 32), d = v128.load(H, 48);
  let e = v128.load(H, 64), f = v128.load(H, 80), g = v128.load(H, 96), h = v128.load(H, 112);
  let t: v128;
  // maj(a, b, c) = b ^ ((a ^ b) & (b ^ c)), and this round's a ^ b is the next round's b ^ c:
  // x and y take turns holding them. ch(e, f, g) = bitselect(f, g, e). The round's sum adds
  // Σ1(e), the longest chain, last.
  let x: v128, y = v128.xor(b, c);
  // Eight rounds per iteration, so the variable roles come back to where they started.
  for (let wk = WK; wk < WK + 64 * 16; wk += 8 * 16) {
    t = i32x4.add(i32x4.add(i32x4.add(h, bigSigma1(e)), v128.bitselect(f, g, e)), v128.load(wk, 0));
    x = v128.xor(a, b); d = i32x4.add(d, t); h = i32x4.add(i32x4.add(t, bigSigma0(a)), v128.xor(b, v128.and(x, y)));
    t = i32x4.add(i32x4.add(i32x4.add(g, bigSigma1(d)), v128.bitselect(e, f, d)), v128.load(wk, 16));
    y = v128.xor(h, a); c = i32x4.add(c, t); g = i32x4.add(i32x4.add(t, bigSigma0(h)), v128.xor(a, v128.and(y, x)));
    t = i32x4.add(i32x4.add(i32x4.add(f, bigSigma1(c)), v128.bitselect(d, e, c)), v128.load(wk, 32));
    x = v128.xor(g, h); b = i32x4.add(b, t); f = i32x4.add(i32x4.add(t, bigSigma0(g)), v128.xor(h, v128.and(x, y)));
    t = i32x4.add(i32x4.add(i32x4.add(e, bigSigma1(b)), v128.bitselect(c, d, b)), v128.load(wk, 48));
    y = v128.xor(f, g); a = i32x4.add(a, t); e = i32x4.add(i32x4.add(t, bigSigma0(f)), v128.xor(g, v128.and(y, x)));
    t = i32x4.add(i32x4.add(i32x4.add(d, bigSigma1(a)), v128.bitselect(b, c, a)), v128.load(wk, 64));
    x = v128.xor(e, f); h = i32x4.add(h, t); d = i32x4.add(i32x4.add(t, bigSigma0(e)), v128.xor(f, v128.and(x, y)));
    t = i32x4.add(i32x4.add(i32x4.add(c, bigSigma1(h)), v128.bitselect(a, b, h)), v128.load(wk, 80));
    y = v128.xor(d, e); g = i32x4.add(g, t); c = i32x4.add(i32x4.add(t, bigSigma0(d)), v128.xor(e, v128.and(y, x)));
    t = i32x4.add(i32x4.add(i32x4.add(b, bigSigma1(g)), v128.bitselect(h, a, g)), v128.load(wk, 96));
    x = v128.xor(c, d); f = i32x4.add(f, t); b = i32x4.add(i32x4.add(t, bigSigma0(c)), v128.xor(d, v128.and(x, y)));
    t = i32x4.add(i32x4.add(i32x4.add(a, bigSigma1(f)), v128.bitselect(g, h, f)), v128.load(wk, 112));
    y = v128.xor(b, c); e = i32x4.add(e, t); a = i32x4.add(i32x4.add(t, bigSigma0(b)), v128.xor(c, v128.and(y, x)));
  }
  v128.store(H, i32x4.add(v128.load(H, 0), a), 0); v128.store(H, i32x4.add(v128.load(H, 16), b), 16);
  v128.store(H, i32x4.add(v128.load(H, 32), c), 32); v128.store(H, i32x4.add(v128.load(H, 48), d), 48);
  v128.store(H, i32x4.add(v128.load(H, 64), e), 64); v128.store(H, i32x4.add(v128.load(H, 80), f), 80);
  v128.store(H, i32x4.add(v128.load(H, 96), g), 96); v128.store(H, i32x4.add(v128.load(H, 112), h), 112);
}

/**
 * SHA-256 of four messages of `length` bytes each (a multiple of 64), the j-th at src + j*stride.
 * Writes the four 32-byte digests to out, out + 32, out + 64, out + 96.
 */
export function sha256x4(src: usize, stride: usize, length: usize, out: usize): void {
  // FIPS 180-4, 5.3.3, in every lane.
  v128.store(H, i32x4.splat(0x6a09e667), 0); v128.store(H, i32x4.splat(0xbb67ae85), 16);
  v128.store(H, i32x4.splat(0x3c6ef372), 32); v128.store(H, i32x4.splat(0xa54ff53a), 48);
  v128.store(H, i32x4.splat(0x510e527f), 64); v128.store(H, i32x4.splat(0x9b05688c), 80);
  v128.store(H, i32x4.splat(0x1f83d9ab), 96); v128.store(H, i32x4.splat(0x5be0cd19), 112);
  const p1 = src + stride, p2 = p1 + stride, p3 = p2 + stride;
  for (let at: usize = 0; at < length; at += 64) {
    loadWords(src + at, p1 + at, p2 + at, p3 + at, 0);
    loadWords(src + at, p1 + at, p2 + at, p3 + at, 1);
    loadWords(src + at, p1 + at, p2 + at, p3 + at, 2);
    loadWords(src + at, p1 + at, p2 + at, p3 + at, 3);
    expandSchedule();
    compress4();
  }
  // The padding block is the same in every lane (equal lengths): 0x80, zeros, the bit length.
  const bits = <u64>length << 3;
  v128.store(W, i32x4.splat(0x80000000));
  memory.fill(W + 16, 0, 13 * 16);
  v128.store(W + 14 * 16, i32x4.splat(<i32>(bits >>> 32)));
  v128.store(W + 15 * 16, i32x4.splat(<i32>bits));
  expandSchedule();
  compress4();
  for (let word: usize = 0; word < 8; word++) {
    const v = v128.load(H + (word << 4));
    store<u32>(out + (word << 2), bswap<u32>(<u32>i32x4.extract_lane(v, 0)));
    store<u32>(out + 32 + (word << 2), bswap<u32>(<u32>i32x4.extract_lane(v, 1)));
    store<u32>(out + 64 + (word << 2), bswap<u32>(<u32>i32x4.extract_lane(v, 2)));
    store<u32>(out + 96 + (word << 2), bswap<u32>(<u32>i32x4.extract_lane(v, 3)));
  }
}
