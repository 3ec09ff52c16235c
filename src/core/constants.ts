/** One mebibyte. AWS's Glacier pages write "MB" and mean MiB throughout. */
export const MiB = 1024 * 1024;

/**
 * The tree hash's leaf size: SHA-256 of each 1 MiB chunk, the last one possibly shorter.
 * (Glacier developer guide, "Computing Checksums".)
 */
export const LEAF_SIZE = MiB;

/** Length in bytes of a SHA-256 digest, and so of every tree node. */
export const DIGEST_LENGTH = 32;

/**
 * Largest archive: "10,000 x 4 gibibytes" = 42,949,672,960,000 bytes (uploading-archive-mpu "Quick
 * Facts"): 10,000 parts of 4 GiB. Every function that takes an archive's size stops here.
 */
export const MAX_ARCHIVE_SIZE = 10_000 * 4096 * MiB;
