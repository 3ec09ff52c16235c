// Fixtures and a brute-force tree for the retrieval tests, copied from GLACIER.md §2.3 (derived with an independent
// Python reference) — never read from /work/shared at test time.

/** Size of the 6.5 MiB `i mod 251` archive. */
export const SIZE_6_5_MIB = 6_815_744;

/** All 13 tree-hash-aligned ranges of the 6.5 MiB `i mod 251` archive and their tree hashes. */
export const ALIGNED_6_5_MIB: ReadonlyArray<readonly [string, string]> = [
  ['0-1048575', '631b84027d6b9e52b539c4e8373622d23032dfadc64d60af87339c9037e4f769'],
  ['1048576-2097151', '729b9155f00261a681000ccd0ff20e750ed3d525b5b1e6fc961837a3bb666fd6'],
  ['2097152-3145727', 'c85ef98b88946506e2c5488c04b97d86b5ec214add104d4849a3145f5e49fd65'],
  ['3145728-4194303', 'fb424e06b1bcfa4abe6862ffbb279614d06fd76af7f0a9015d05943c19ff3bc7'],
  ['4194304-5242879', '913ce5b1447d28935c8acc3bc64add33b4c092c1eda4d6913e42f41f57b73b11'],
  ['5242880-6291455', '0c6cb13dd57281eb061a856c0c6b121aed3ef04e8d94ea989e4fd5f3918a4f20'],
  ['6291456-6815743', 'c9fed994db0d8e2e5b7d603f40c18613d1f545288928a52ee9d2b2e2375f7160'],
  ['0-2097151', 'bf4dff263ae686b64403208c35a3767e38453d6477e841947588d13d04e1d816'],
  ['2097152-4194303', '9e217b1ceb8db81071f9c6e4a2bf0401a83491d10751ce858a2628f5d699dbdb'],
  ['4194304-6291455', '3f1cd462b63cf286198c3f2ee91cf116dfed51d327686dca0fb06ba94a4ae759'],
  ['0-4194303', 'c7d749cd55cefa8ed8fbc208202e18d019b7701f29886f7c5d662d77b3903833'],
  ['4194304-6815743', '3e997f13ddc355e8a55035672d60ba90275ece6485044b3616a0966e2b895fc1'],
  ['0-6815743', '8bcaa7b4b8f991ca140f306627f2c4e84601364cde8e054b6e0924433ca7482f'],
];

/** Megabyte aligned but not tree-hash aligned in the same archive. */
export const UNALIGNED_6_5_MIB = ['1048576-3145727', '3145728-5242879', '0-3145727', '2097152-6815743'];

/**
 * Every node of the Glacier tree over a payload of `size` bytes, built the naive way: a level of
 * 1 MiB leaf spans, then neighbours paired into their union and an unpaired last span carried up,
 * until one span is left. Returned as inclusive byte ranges keyed "start-end". Shares nothing with
 * the product's range arithmetic.
 */
export function bruteNodeSpans(size: number): Set<string> {
  const M = 1024 * 1024;
  const leaves = Math.max(1, Math.ceil(size / M));
  let level: Array<[number, number]> = [];
  for (let i = 0; i < leaves; i++) level.push([i * M, Math.min((i + 1) * M, size) - 1]);
  const spans = new Set(level.map(([s, e]) => `${s}-${e}`));
  while (level.length > 1) {
    const next: Array<[number, number]> = [];
    for (let i = 0; i < level.length; i += 2) {
      next.push(i + 1 < level.length ? [level[i]![0], level[i + 1]![1]] : level[i]!);
    }
    for (const [s, e] of next) spans.add(`${s}-${e}`);
    level = next;
  }
  return spans;
}
