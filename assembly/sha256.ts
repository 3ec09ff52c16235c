// SHA-256 (FIPS 180-4) over Wasm linear memory. Byte counts are u64: a 32-bit counter gives wrong
// digests past 2 GiB (the as-sha256 bug), and Glacier archives reach 40 TiB.

// Round constants (FIPS 180-4, 4.2.2) are inlined as immediates in compressBlocks.

// @ts-ignore: decorator
@inline function ch(x: u32, y: u32, z: u32): u32 { return z ^ (x & (y ^ z)); }
// @ts-ignore: decorator
@inline function maj(x: u32, y: u32, z: u32): u32 { return (x & y) | (z & (x | y)); }
// @ts-ignore: decorator
@inline function bigSigma0(x: u32): u32 { return rotr<u32>(x, 2) ^ rotr<u32>(x, 13) ^ rotr<u32>(x, 22); }
// @ts-ignore: decorator
@inline function bigSigma1(x: u32): u32 { return rotr<u32>(x, 6) ^ rotr<u32>(x, 11) ^ rotr<u32>(x, 25); }
// @ts-ignore: decorator
@inline function smallSigma0(x: u32): u32 { return rotr<u32>(x, 7) ^ rotr<u32>(x, 18) ^ (x >>> 3); }
// @ts-ignore: decorator
@inline function smallSigma1(x: u32): u32 { return rotr<u32>(x, 17) ^ rotr<u32>(x, 19) ^ (x >>> 10); }

/**
 * Compresses `blocks` consecutive 64-byte blocks at `src` into the eight-word state at `h`.
 * All 64 rounds are written out with the variable roles rotated (round i's "h" is round i+1's
 * "a"), and the message schedule is a ring of 16 locals: no register moves and no schedule array
 * in memory. Measured here: 1.3x the speed of a rolled loop with a 64-word schedule in memory.
 */
export function compressBlocks(h: usize, src: usize, blocks: usize): void {
  let h0 = load<u32>(h, 0), h1 = load<u32>(h, 4), h2 = load<u32>(h, 8), h3 = load<u32>(h, 12);
  let h4 = load<u32>(h, 16), h5 = load<u32>(h, 20), h6 = load<u32>(h, 24), h7 = load<u32>(h, 28);
  let w0: u32, w1: u32, w2: u32, w3: u32, w4: u32, w5: u32, w6: u32, w7: u32;
  let w8: u32, w9: u32, w10: u32, w11: u32, w12: u32, w13: u32, w14: u32, w15: u32;
  for (let block: usize = 0; block < blocks; block++, src += 64) {
    let a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, hh = h7;
    let t: u32;
    // maj(a, b, c) = b ^ ((a ^ b) & (b ^ c)); this round's a ^ b is the next round's b ^ c,
    // so x and y take turns holding them: one operation fewer per round.
    let x: u32, y: u32 = b ^ c;
    w0 = bswap<u32>(load<u32>(src, 0));
    t = hh + bigSigma1(e) + ch(e, f, g) + 0x428a2f98 + w0; d += t; hh = t + bigSigma0(a) + (b ^ ((x = a ^ b) & y));
    w1 = bswap<u32>(load<u32>(src, 4));
    t = g + bigSigma1(d) + ch(d, e, f) + 0x71374491 + w1; c += t; g = t + bigSigma0(hh) + (a ^ ((y = hh ^ a) & x));
    w2 = bswap<u32>(load<u32>(src, 8));
    t = f + bigSigma1(c) + ch(c, d, e) + 0xb5c0fbcf + w2; b += t; f = t + bigSigma0(g) + (hh ^ ((x = g ^ hh) & y));
    w3 = bswap<u32>(load<u32>(src, 12));
    t = e + bigSigma1(b) + ch(b, c, d) + 0xe9b5dba5 + w3; a += t; e = t + bigSigma0(f) + (g ^ ((y = f ^ g) & x));
    w4 = bswap<u32>(load<u32>(src, 16));
    t = d + bigSigma1(a) + ch(a, b, c) + 0x3956c25b + w4; hh += t; d = t + bigSigma0(e) + (f ^ ((x = e ^ f) & y));
    w5 = bswap<u32>(load<u32>(src, 20));
    t = c + bigSigma1(hh) + ch(hh, a, b) + 0x59f111f1 + w5; g += t; c = t + bigSigma0(d) + (e ^ ((y = d ^ e) & x));
    w6 = bswap<u32>(load<u32>(src, 24));
    t = b + bigSigma1(g) + ch(g, hh, a) + 0x923f82a4 + w6; f += t; b = t + bigSigma0(c) + (d ^ ((x = c ^ d) & y));
    w7 = bswap<u32>(load<u32>(src, 28));
    t = a + bigSigma1(f) + ch(f, g, hh) + 0xab1c5ed5 + w7; e += t; a = t + bigSigma0(b) + (c ^ ((y = b ^ c) & x));
    w8 = bswap<u32>(load<u32>(src, 32));
    t = hh + bigSigma1(e) + ch(e, f, g) + 0xd807aa98 + w8; d += t; hh = t + bigSigma0(a) + (b ^ ((x = a ^ b) & y));
    w9 = bswap<u32>(load<u32>(src, 36));
    t = g + bigSigma1(d) + ch(d, e, f) + 0x12835b01 + w9; c += t; g = t + bigSigma0(hh) + (a ^ ((y = hh ^ a) & x));
    w10 = bswap<u32>(load<u32>(src, 40));
    t = f + bigSigma1(c) + ch(c, d, e) + 0x243185be + w10; b += t; f = t + bigSigma0(g) + (hh ^ ((x = g ^ hh) & y));
    w11 = bswap<u32>(load<u32>(src, 44));
    t = e + bigSigma1(b) + ch(b, c, d) + 0x550c7dc3 + w11; a += t; e = t + bigSigma0(f) + (g ^ ((y = f ^ g) & x));
    w12 = bswap<u32>(load<u32>(src, 48));
    t = d + bigSigma1(a) + ch(a, b, c) + 0x72be5d74 + w12; hh += t; d = t + bigSigma0(e) + (f ^ ((x = e ^ f) & y));
    w13 = bswap<u32>(load<u32>(src, 52));
    t = c + bigSigma1(hh) + ch(hh, a, b) + 0x80deb1fe + w13; g += t; c = t + bigSigma0(d) + (e ^ ((y = d ^ e) & x));
    w14 = bswap<u32>(load<u32>(src, 56));
    t = b + bigSigma1(g) + ch(g, hh, a) + 0x9bdc06a7 + w14; f += t; b = t + bigSigma0(c) + (d ^ ((x = c ^ d) & y));
    w15 = bswap<u32>(load<u32>(src, 60));
    t = a + bigSigma1(f) + ch(f, g, hh) + 0xc19bf174 + w15; e += t; a = t + bigSigma0(b) + (c ^ ((y = b ^ c) & x));
    w0 += smallSigma1(w14) + w9 + smallSigma0(w1);
    t = hh + bigSigma1(e) + ch(e, f, g) + 0xe49b69c1 + w0; d += t; hh = t + bigSigma0(a) + (b ^ ((x = a ^ b) & y));
    w1 += smallSigma1(w15) + w10 + smallSigma0(w2);
    t = g + bigSigma1(d) + ch(d, e, f) + 0xefbe4786 + w1; c += t; g = t + bigSigma0(hh) + (a ^ ((y = hh ^ a) & x));
    w2 += smallSigma1(w0) + w11 + smallSigma0(w3);
    t = f + bigSigma1(c) + ch(c, d, e) + 0x0fc19dc6 + w2; b += t; f = t + bigSigma0(g) + (hh ^ ((x = g ^ hh) & y));
    w3 += smallSigma1(w1) + w12 + smallSigma0(w4);
    t = e + bigSigma1(b) + ch(b, c, d) + 0x240ca1cc + w3; a += t; e = t + bigSigma0(f) + (g ^ ((y = f ^ g) & x));
    w4 += smallSigma1(w2) + w13 + smallSigma0(w5);
    t = d + bigSigma1(a) + ch(a, b, c) + 0x2de92c6f + w4; hh += t; d = t + bigSigma0(e) + (f ^ ((x = e ^ f) & y));
    w5 += smallSigma1(w3) + w14 + smallSigma0(w6);
    t = c + bigSigma1(hh) + ch(hh, a, b) + 0x4a7484aa + w5; g += t; c = t + bigSigma0(d) + (e ^ ((y = d ^ e) & x));
    w6 += smallSigma1(w4) + w15 + smallSigma0(w7);
    t = b + bigSigma1(g) + ch(g, hh, a) + 0x5cb0a9dc + w6; f += t; b = t + bigSigma0(c) + (d ^ ((x = c ^ d) & y));
    w7 += smallSigma1(w5) + w0 + smallSigma0(w8);
    t = a + bigSigma1(f) + ch(f, g, hh) + 0x76f988da + w7; e += t; a = t + bigSigma0(b) + (c ^ ((y = b ^ c) & x));
    w8 += smallSigma1(w6) + w1 + smallSigma0(w9);
    t = hh + bigSigma1(e) + ch(e, f, g) + 0x983e5152 + w8; d += t; hh = t + bigSigma0(a) + (b ^ ((x = a ^ b) & y));
    w9 += smallSigma1(w7) + w2 + smallSigma0(w10);
    t = g + bigSigma1(d) + ch(d, e, f) + 0xa831c66d + w9; c += t; g = t + bigSigma0(hh) + (a ^ ((y = hh ^ a) & x));
    w10 += smallSigma1(w8) + w3 + smallSigma0(w11);
    t = f + bigSigma1(c) + ch(c, d, e) + 0xb00327c8 + w10; b += t; f = t + bigSigma0(g) + (hh ^ ((x = g ^ hh) & y));
    w11 += smallSigma1(w9) + w4 + smallSigma0(w12);
    t = e + bigSigma1(b) + ch(b, c, d) + 0xbf597fc7 + w11; a += t; e = t + bigSigma0(f) + (g ^ ((y = f ^ g) & x));
    w12 += smallSigma1(w10) + w5 + smallSigma0(w13);
    t = d + bigSigma1(a) + ch(a, b, c) + 0xc6e00bf3 + w12; hh += t; d = t + bigSigma0(e) + (f ^ ((x = e ^ f) & y));
    w13 += smallSigma1(w11) + w6 + smallSigma0(w14);
    t = c + bigSigma1(hh) + ch(hh, a, b) + 0xd5a79147 + w13; g += t; c = t + bigSigma0(d) + (e ^ ((y = d ^ e) & x));
    w14 += smallSigma1(w12) + w7 + smallSigma0(w15);
    t = b + bigSigma1(g) + ch(g, hh, a) + 0x06ca6351 + w14; f += t; b = t + bigSigma0(c) + (d ^ ((x = c ^ d) & y));
    w15 += smallSigma1(w13) + w8 + smallSigma0(w0);
    t = a + bigSigma1(f) + ch(f, g, hh) + 0x14292967 + w15; e += t; a = t + bigSigma0(b) + (c ^ ((y = b ^ c) & x));
    w0 += smallSigma1(w14) + w9 + smallSigma0(w1);
    t = hh + bigSigma1(e) + ch(e, f, g) + 0x27b70a85 + w0; d += t; hh = t + bigSigma0(a) + (b ^ ((x = a ^ b) & y));
    w1 += smallSigma1(w15) + w10 + smallSigma0(w2);
    t = g + bigSigma1(d) + ch(d, e, f) + 0x2e1b2138 + w1; c += t; g = t + bigSigma0(hh) + (a ^ ((y = hh ^ a) & x));
    w2 += smallSigma1(w0) + w11 + smallSigma0(w3);
    t = f + bigSigma1(c) + ch(c, d, e) + 0x4d2c6dfc + w2; b += t; f = t + bigSigma0(g) + (hh ^ ((x = g ^ hh) & y));
    w3 += smallSigma1(w1) + w12 + smallSigma0(w4);
    t = e + bigSigma1(b) + ch(b, c, d) + 0x53380d13 + w3; a += t; e = t + bigSigma0(f) + (g ^ ((y = f ^ g) & x));
    w4 += smallSigma1(w2) + w13 + smallSigma0(w5);
    t = d + bigSigma1(a) + ch(a, b, c) + 0x650a7354 + w4; hh += t; d = t + bigSigma0(e) + (f ^ ((x = e ^ f) & y));
    w5 += smallSigma1(w3) + w14 + smallSigma0(w6);
    t = c + bigSigma1(hh) + ch(hh, a, b) + 0x766a0abb + w5; g += t; c = t + bigSigma0(d) + (e ^ ((y = d ^ e) & x));
    w6 += smallSigma1(w4) + w15 + smallSigma0(w7);
    t = b + bigSigma1(g) + ch(g, hh, a) + 0x81c2c92e + w6; f += t; b = t + bigSigma0(c) + (d ^ ((x = c ^ d) & y));
    w7 += smallSigma1(w5) + w0 + smallSigma0(w8);
    t = a + bigSigma1(f) + ch(f, g, hh) + 0x92722c85 + w7; e += t; a = t + bigSigma0(b) + (c ^ ((y = b ^ c) & x));
    w8 += smallSigma1(w6) + w1 + smallSigma0(w9);
    t = hh + bigSigma1(e) + ch(e, f, g) + 0xa2bfe8a1 + w8; d += t; hh = t + bigSigma0(a) + (b ^ ((x = a ^ b) & y));
    w9 += smallSigma1(w7) + w2 + smallSigma0(w10);
    t = g + bigSigma1(d) + ch(d, e, f) + 0xa81a664b + w9; c += t; g = t + bigSigma0(hh) + (a ^ ((y = hh ^ a) & x));
    w10 += smallSigma1(w8) + w3 + smallSigma0(w11);
    t = f + bigSigma1(c) + ch(c, d, e) + 0xc24b8b70 + w10; b += t; f = t + bigSigma0(g) + (hh ^ ((x = g ^ hh) & y));
    w11 += smallSigma1(w9) + w4 + smallSigma0(w12);
    t = e + bigSigma1(b) + ch(b, c, d) + 0xc76c51a3 + w11; a += t; e = t + bigSigma0(f) + (g ^ ((y = f ^ g) & x));
    w12 += smallSigma1(w10) + w5 + smallSigma0(w13);
    t = d + bigSigma1(a) + ch(a, b, c) + 0xd192e819 + w12; hh += t; d = t + bigSigma0(e) + (f ^ ((x = e ^ f) & y));
    w13 += smallSigma1(w11) + w6 + smallSigma0(w14);
    t = c + bigSigma1(hh) + ch(hh, a, b) + 0xd6990624 + w13; g += t; c = t + bigSigma0(d) + (e ^ ((y = d ^ e) & x));
    w14 += smallSigma1(w12) + w7 + smallSigma0(w15);
    t = b + bigSigma1(g) + ch(g, hh, a) + 0xf40e3585 + w14; f += t; b = t + bigSigma0(c) + (d ^ ((x = c ^ d) & y));
    w15 += smallSigma1(w13) + w8 + smallSigma0(w0);
    t = a + bigSigma1(f) + ch(f, g, hh) + 0x106aa070 + w15; e += t; a = t + bigSigma0(b) + (c ^ ((y = b ^ c) & x));
    w0 += smallSigma1(w14) + w9 + smallSigma0(w1);
    t = hh + bigSigma1(e) + ch(e, f, g) + 0x19a4c116 + w0; d += t; hh = t + bigSigma0(a) + (b ^ ((x = a ^ b) & y));
    w1 += smallSigma1(w15) + w10 + smallSigma0(w2);
    t = g + bigSigma1(d) + ch(d, e, f) + 0x1e376c08 + w1; c += t; g = t + bigSigma0(hh) + (a ^ ((y = hh ^ a) & x));
    w2 += smallSigma1(w0) + w11 + smallSigma0(w3);
    t = f + bigSigma1(c) + ch(c, d, e) + 0x2748774c + w2; b += t; f = t + bigSigma0(g) + (hh ^ ((x = g ^ hh) & y));
    w3 += smallSigma1(w1) + w12 + smallSigma0(w4);
    t = e + bigSigma1(b) + ch(b, c, d) + 0x34b0bcb5 + w3; a += t; e = t + bigSigma0(f) + (g ^ ((y = f ^ g) & x));
    w4 += smallSigma1(w2) + w13 + smallSigma0(w5);
    t = d + bigSigma1(a) + ch(a, b, c) + 0x391c0cb3 + w4; hh += t; d = t + bigSigma0(e) + (f ^ ((x = e ^ f) & y));
    w5 += smallSigma1(w3) + w14 + smallSigma0(w6);
    t = c + bigSigma1(hh) + ch(hh, a, b) + 0x4ed8aa4a + w5; g += t; c = t + bigSigma0(d) + (e ^ ((y = d ^ e) & x));
    w6 += smallSigma1(w4) + w15 + smallSigma0(w7);
    t = b + bigSigma1(g) + ch(g, hh, a) + 0x5b9cca4f + w6; f += t; b = t + bigSigma0(c) + (d ^ ((x = c ^ d) & y));
    w7 += smallSigma1(w5) + w0 + smallSigma0(w8);
    t = a + bigSigma1(f) + ch(f, g, hh) + 0x682e6ff3 + w7; e += t; a = t + bigSigma0(b) + (c ^ ((y = b ^ c) & x));
    w8 += smallSigma1(w6) + w1 + smallSigma0(w9);
    t = hh + bigSigma1(e) + ch(e, f, g) + 0x748f82ee + w8; d += t; hh = t + bigSigma0(a) + (b ^ ((x = a ^ b) & y));
    w9 += smallSigma1(w7) + w2 + smallSigma0(w10);
    t = g + bigSigma1(d) + ch(d, e, f) + 0x78a5636f + w9; c += t; g = t + bigSigma0(hh) + (a ^ ((y = hh ^ a) & x));
    w10 += smallSigma1(w8) + w3 + smallSigma0(w11);
    t = f + bigSigma1(c) + ch(c, d, e) + 0x84c87814 + w10; b += t; f = t + bigSigma0(g) + (hh ^ ((x = g ^ hh) & y));
    w11 += smallSigma1(w9) + w4 + smallSigma0(w12);
    t = e + bigSigma1(b) + ch(b, c, d) + 0x8cc70208 + w11; a += t; e = t + bigSigma0(f) + (g ^ ((y = f ^ g) & x));
    w12 += smallSigma1(w10) + w5 + smallSigma0(w13);
    t = d + bigSigma1(a) + ch(a, b, c) + 0x90befffa + w12; hh += t; d = t + bigSigma0(e) + (f ^ ((x = e ^ f) & y));
    w13 += smallSigma1(w11) + w6 + smallSigma0(w14);
    t = c + bigSigma1(hh) + ch(hh, a, b) + 0xa4506ceb + w13; g += t; c = t + bigSigma0(d) + (e ^ ((y = d ^ e) & x));
    w14 += smallSigma1(w12) + w7 + smallSigma0(w15);
    t = b + bigSigma1(g) + ch(g, hh, a) + 0xbef9a3f7 + w14; f += t; b = t + bigSigma0(c) + (d ^ ((x = c ^ d) & y));
    w15 += smallSigma1(w13) + w8 + smallSigma0(w0);
    t = a + bigSigma1(f) + ch(f, g, hh) + 0xc67178f2 + w15; e += t; a = t + bigSigma0(b) + (c ^ ((y = b ^ c) & x));
    h0 += a; h1 += b; h2 += c; h3 += d; h4 += e; h5 += f; h6 += g; h7 += hh;
  }
  store<u32>(h, h0, 0); store<u32>(h, h1, 4); store<u32>(h, h2, 8); store<u32>(h, h3, 12);
  store<u32>(h, h4, 16); store<u32>(h, h5, 20); store<u32>(h, h6, 24); store<u32>(h, h7, 28);
}

// A streaming context, laid out in memory so that the hasher's whole state can be copied as bytes:
//   +0  eight state words   +32 total bytes (u64)   +40 bytes in the block buffer (u32)   +48 block buffer (64)
export const CTX_SIZE: usize = 112;
const CTX_TOTAL: usize = 32;
const CTX_FILL: usize = 40;
const CTX_BLOCK: usize = 48;

export function sha256Init(ctx: usize): void {
  // FIPS 180-4, 5.3.3.
  store<u32>(ctx, 0x6a09e667, 0); store<u32>(ctx, 0xbb67ae85, 4);
  store<u32>(ctx, 0x3c6ef372, 8); store<u32>(ctx, 0xa54ff53a, 12);
  store<u32>(ctx, 0x510e527f, 16); store<u32>(ctx, 0x9b05688c, 20);
  store<u32>(ctx, 0x1f83d9ab, 24); store<u32>(ctx, 0x5be0cd19, 28);
  store<u64>(ctx, 0, CTX_TOTAL);
  store<u32>(ctx, 0, CTX_FILL);
}

/** Bytes absorbed so far by the context. */
// @ts-ignore: decorator
@inline export function sha256Total(ctx: usize): u64 {
  return load<u64>(ctx, CTX_TOTAL);
}

/** Absorbs `length` bytes at `src`. Whole blocks are compressed straight from `src`, never copied. */
export function sha256Update(ctx: usize, src: usize, length: usize): void {
  if (length == 0) return;
  store<u64>(ctx, load<u64>(ctx, CTX_TOTAL) + <u64>length, CTX_TOTAL);
  let fill = <usize>load<u32>(ctx, CTX_FILL);
  if (fill > 0) {
    const take = min<usize>(64 - fill, length);
    memory.copy(ctx + CTX_BLOCK + fill, src, take);
    fill += take; src += take; length -= take;
    if (fill < 64) {
      store<u32>(ctx, <u32>fill, CTX_FILL);
      return;
    }
    compressBlocks(ctx, ctx + CTX_BLOCK, 1);
    fill = 0;
  }
  const blocks = length >> 6;
  if (blocks > 0) {
    compressBlocks(ctx, src, blocks);
    src += blocks << 6; length -= blocks << 6;
  }
  if (length > 0) memory.copy(ctx + CTX_BLOCK, src, length);
  store<u32>(ctx, <u32>length, CTX_FILL);
}

/** Pads, compresses the last block(s) and writes the 32-byte big-endian digest to `out`. */
export function sha256Final(ctx: usize, out: usize): void {
  const block = ctx + CTX_BLOCK;
  let fill = <usize>load<u32>(ctx, CTX_FILL);
  const bitLength = load<u64>(ctx, CTX_TOTAL) << 3;
  store<u8>(block + fill, 0x80);
  fill++;
  if (fill > 56) {
    memory.fill(block + fill, 0, 64 - fill);
    compressBlocks(ctx, block, 1);
    fill = 0;
  }
  memory.fill(block + fill, 0, 56 - fill);
  store<u64>(block, bswap<u64>(bitLength), 56);
  compressBlocks(ctx, block, 1);
  for (let i: usize = 0; i < 32; i += 4) store<u32>(out + i, bswap<u32>(load<u32>(ctx + i)));
}

/** One-shot SHA-256 of `length` bytes at `src`, using `ctx` as scratch. */
export function sha256Digest(ctx: usize, src: usize, length: usize, out: usize): void {
  sha256Init(ctx);
  sha256Update(ctx, src, length);
  sha256Final(ctx, out);
}
