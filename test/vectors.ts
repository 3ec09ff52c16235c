// Public test vectors, copied from the project's reference notes with their provenance (the
// project stands alone: tests never read anything outside the repository).

export interface Vector {
  name: string;
  make: () => Uint8Array;
  treeHash: string;
  sha256?: string;
  source: string;
}

const filled = (size: number, byte: number) => () => new Uint8Array(size).fill(byte);
const text = (s: string) => () => new TextEncoder().encode(s);
const MIB = 1024 * 1024;

export const PUBLIC_VECTORS: Vector[] = [
  {
    name: 'empty',
    make: filled(0, 0),
    treeHash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    source: 'AWS Java/C# reference; boto test_utils.py test_empty_tree_hash; aws-sdk-php EMPTY_HASH',
  },
  {
    name: '"Welcome to Amazon Glacier."',
    make: text('Welcome to Amazon Glacier.'),
    treeHash: '726e392cb4d09924dbad1cc0ba3b00c3643d03d14cb4b823e2f041cff612a628',
    sha256: '726e392cb4d09924dbad1cc0ba3b00c3643d03d14cb4b823e2f041cff612a628',
    source: 'AWS Glacier guide, signing example (old text)',
  },
  {
    name: '"bar"',
    make: text('bar'),
    treeHash: 'fcde2b2edba56bf408601fb721fe9b5c338d10ee429ea04fae5511b68fbf8fb9',
    source: 'aws-sdk-js-v3 sha256-tree-hash index.spec.ts',
  },
  {
    name: '"abcd"',
    make: text('abcd'),
    treeHash: '88d4266fd4e6338d13b845fcf289579d209c897823b9217da3e161936f031589',
    source: 'aws-sdk-js-v3 middleware-sdk-glacier integ spec',
  },
  {
    name: '"Hello, world! " + "x"*100',
    make: text(`Hello, world! ${'x'.repeat(100)}`),
    treeHash: '15aad04dbdebee9ad90ba889d8eb3b9045be355fed57c62894bc2b1ae259c8c8',
    source: 'mt-aws-glacier t/unit/u_treehash.t',
  },
  {
    name: '1 MiB of 0x00',
    make: filled(MIB, 0),
    treeHash: '30e14955ebf1352266dc2ff8067e68104607e750abb9d3b36582b8af909fcb58',
    source: 'aws-sdk-js-v3 index.spec.ts',
  },
  {
    name: '5.5 MiB of 0x00',
    make: filled(5_767_168, 0),
    treeHash: 'a3a82dbe3644dd6046be472f2e3ec1f8ef47f8f3adb86d0de4de7a254f255455',
    sha256: '733cf513448ce6b20ad1bc5e50eb27c06aefae0c320713a5dd99f4e51bc1ca60',
    source: 'aws-sdk-js-v3 index.spec.ts',
  },
  {
    name: '5.5 MiB of "0"',
    make: filled(5_767_168, 0x30),
    treeHash: '154e26c78fd74d0c2c9b3cc4644191619dc4f2cd539ae2a74d5fd07957a3ee6a',
    sha256: '68aff0c5a91aa0491752bfb96e3fef33eb74953804f6a2f7b708d5bcefa8ff6b',
    source: 'aws-sdk-go service/glacier/treehash_test.go',
  },
  {
    name: '4,608,000 x 0x00',
    make: filled(4_608_000, 0),
    treeHash: '3d760edb291bfc9d90d35809243de092aea4c47b308290ad12d084f69988ae0c',
    sha256: 'cb228af4065a8be95006792a8199172366d0b63a4d39ce365f9591246861db16',
    source: 'AWS CLI multipart walkthrough (uploading-an-archive-mpu-using-cli)',
  },
  {
    name: '7,680,000 x 0x00',
    make: filled(7_680_000, 0),
    treeHash: '7a43777ddc7a0326d36b15bc482e6c7736e1c2e9d80a647e8c301646f6a4785c',
    sha256: '2daae00063e6141cfc30db8b7786566ff10feefa4ea65b4f9980a541a7a5c421',
    source: 'hannes-hochreiner/aws-tree-hash src/lib.rs',
  },
  {
    name: '1 MiB of "a"',
    make: filled(MIB, 0x61),
    treeHash: '9bc1b2a288b26af7257a36277ae3816a7d4f16e89c1e7e77d0a5c48bad62b360',
    source: 'boto test_utils.py; jclouds TreeHashTest',
  },
  {
    name: '2 MiB of "a"',
    make: filled(2 * MIB, 0x61),
    treeHash: '560c2c9333c719cb00cfdffee3ba293db17f58743cdd1f7e4055373ae6300afa',
    sha256: '5256ec18f11624025905d057d6befb03d77b243511ac5f77ed5e0221ce6d84b5',
    source: 'boto; jclouds',
  },
  {
    name: '3 MiB of "a"',
    make: filled(3 * MIB, 0x61),
    treeHash: '70239f4f2ead7561f69d48b956b547edef52a1280a93c262c0b582190be7db17',
    sha256: '6f850bc94ae6f7de14297c01616c36d712d22864497b28a63b81d776b035e656',
    source: 'jclouds TreeHashTest.java',
  },
  {
    name: '3.5 MiB of "a"',
    make: filled(3_670_016, 0x61),
    treeHash: 'daede4eb580f914dacd5e0bdf7015c937fd615c1e6c6552d25cb04a8b7219828',
    sha256: '34c8bdd269f89a091cf17d5d23503940e0abf61c4b6544e42854b9af437f31bb',
    source: 'jclouds TreeHashTest.java; rdwilliamson/aws#13',
  },
  {
    name: '4 MiB of "a"',
    make: filled(4 * MIB, 0x61),
    treeHash: '9491cb2ed1d4e7cd53215f4017c23ec4ad21d7050a1e6bb636c4f67e8cddb844',
    sha256: '299285fc41a44cdb038b9fdaf494c76ca9d0c866672b2b266c1a0c17dda60a05',
    source: 'boto test_utils.py',
  },
  {
    name: '4 MiB + 20 B of "a"',
    make: filled(4 * MIB + 20, 0x61),
    treeHash: '12f3cbd6101b981cde074039f6f728071da8879d6f632de8afc7cdf00661b08f',
    sha256: '1db6545ae7a5cea9392b4b14d3a6f798c989ee386114d6d2e951c13abcd74e11',
    source: 'boto test_utils.py',
  },
];

/** Derived vectors on data[i] = i mod 251 (every leaf differs), computed with an independent Python reference. */
export const MOD251_VECTORS: { size: number; treeHash: string; sha256: string }[] = [
  {
    size: 1,
    treeHash: '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    sha256: '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  },
  {
    size: 1_048_575,
    treeHash: '8b55c6a2d3444092a316985030e00c1e6f8608eaf912c896dee7c374d440ed11',
    sha256: '8b55c6a2d3444092a316985030e00c1e6f8608eaf912c896dee7c374d440ed11',
  },
  {
    size: 1_048_576,
    treeHash: '631b84027d6b9e52b539c4e8373622d23032dfadc64d60af87339c9037e4f769',
    sha256: '631b84027d6b9e52b539c4e8373622d23032dfadc64d60af87339c9037e4f769',
  },
  {
    size: 1_048_577,
    treeHash: 'a9c574ce937d2371daf87cdd0e75396b096d7f74a66c764e4c656bd12b2e7bf9',
    sha256: '5769f52bc3eef28afa39c6fc68cadb7d0bd69812ae3a3d71452f519ec3c7aa56',
  },
  {
    size: 2_097_152,
    treeHash: 'bf4dff263ae686b64403208c35a3767e38453d6477e841947588d13d04e1d816',
    sha256: '1e075c8d478ad21844e33e830a695ef03a4d2488b69ee275bd8947618bb1be1e',
  },
  {
    size: 3_145_728,
    treeHash: '2e7d51c0ffe06ce95fe74beed9a4ab35d18837f4ab2a9f4f066a60359eb999a1',
    sha256: 'a1feacf0d812ba4d0b0e463ed45bbd583cea1de55c54693116754b30b5794745',
  },
  {
    size: 3_670_016,
    treeHash: '390f48176c50ae5a31f92724791e509d8f66d26ba3305714d153f6d01be83289',
    sha256: 'a8cd3d19bbc147bbaaf8176c6d62f1f9e68e01c2a08ba269dee55b3ce3ae8a5f',
  },
  {
    size: 6_815_744,
    treeHash: '8bcaa7b4b8f991ca140f306627f2c4e84601364cde8e054b6e0924433ca7482f',
    sha256: 'c05bf74d8dfb7c1a1c0e851433c0c8aba70641b14348d1f0fbc1ca560d0a2192',
  },
  {
    size: 7_340_032,
    treeHash: '8bfce57c6a4076b3e930e725fbaa00beeffff0f0d9a6491a89a53baa73b4810d',
    sha256: 'c0c49a419ecae55243613a85dc1e1cb5ec9d5a51d5f439a8c16eb7ff0b139920',
  },
  {
    size: 8_388_608,
    treeHash: 'be9e1b21179533d14e87f6e4767f32b1c17e8ffb5ffcf82d42eceacf8abda110',
    sha256: 'bdf23837181f5808331800c1ae2b4f7d7a839536b10d58491471c50dde23833a',
  },
];

/** Sizes at every boundary that matters to the tree and to SHA-256's 64-byte blocks. */
export function boundarySizes(): number[] {
  const sizes = new Set<number>([0, 1, 55, 56, 63, 64, 65, 119, 120, 127, 128, MIB - 1, MIB, MIB + 1]);
  for (let k = 1; k <= 5; k++) for (const d of [-1, 0, 1]) sizes.add(2 ** k * MIB + d);
  for (const leaves of [3, 5, 7, 9, 33]) sizes.add(leaves * MIB);
  sizes.add(33 * MIB + 12345);
  return [...sizes].sort((a, b) => a - b);
}
