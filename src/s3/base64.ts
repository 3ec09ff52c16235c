// Base64 as S3 writes checksums (RFC 4648, standard alphabet, padded), without Buffer: btoa and
// atob exist in Node >= 16, browsers, Deno, Bun and workers.

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Standard padded base64 of `bytes`, S3's text form of a checksum. */
export function toBase64(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]!);
  return btoa(text);
}

/**
 * The bytes of canonical padded base64 (the only form S3 prints), or undefined for anything else
 * (wrong alphabet, missing padding, non-zero bits in the last character's unused part).
 */
export function fromBase64(text: string): Uint8Array | undefined {
  if (!BASE64.test(text)) return undefined;
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return toBase64(bytes) === text ? bytes : undefined;
}
