// Archive descriptions that carry a file name, as the upload tools wrote them. Glacier keeps
// descriptions of up to 1,024 printable ASCII characters, so the tools that store non-ASCII
// names encode them; what is not one of these forms names the file by itself.
import type { DescriptionFormat } from './types.js';
import { normalizeName } from './text.js';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Bytes of standard or URL-safe base64, with or without padding; undefined when it is not base64. */
function base64Bytes(text: string): Uint8Array | undefined {
  const standard = text.replace(/-/g, '+').replace(/_/g, '/');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(standard) || standard.replace(/=+$/, '').length % 4 === 1) return undefined;
  try {
    const binary = atob(standard);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  } catch {
    return undefined;
  }
}

function utf8Text(bytes: Uint8Array | undefined): string | undefined {
  if (bytes === undefined) return undefined;
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

function jsonObject(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * mt-aws-glacier's `mt2 BASE64URL` (JSON `{"filename", "mtime"}` in UTF-8) and `mt1 BASE64URL`
 * (the same JSON, UTF-8-encoded twice: each byte of the first encoding taken as Latin-1).
 */
function mtAwsGlacier(description: string): { name: string; format: DescriptionFormat } | undefined {
  const [marker, encoded, extra] = description.trim().split(/\s+/);
  if ((marker !== 'mt1' && marker !== 'mt2') || encoded === undefined || extra !== undefined) return undefined;
  let text = utf8Text(base64Bytes(encoded));
  if (marker === 'mt1' && text !== undefined) {
    const latin1 = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code > 0xff) return undefined;
      latin1[i] = code;
    }
    text = utf8Text(latin1);
  }
  const meta = jsonObject(text);
  if (typeof meta?.filename !== 'string' || typeof meta.mtime !== 'string') return undefined;
  return { name: meta.filename, format: marker };
}

/** FastGlacier: v2–4 `<m><v>4</v><p>BASE64</p><lm>…</lm></m>`, v1 `<ArchiveMetadata><Path>BASE64</Path></ArchiveMetadata>`. */
function fastGlacier(description: string): { name: string; format: DescriptionFormat } | undefined {
  const text = description
    .trim()
    .replace(/^(['"])(.*)\1$/s, '$2')
    .trim();
  const match = /^<m>.*<p>\s*([^<]*?)\s*<\/p>.*<\/m>$/s.exec(text) ?? /^<ArchiveMetadata>.*<Path>\s*([^<]*?)\s*<\/Path>.*<\/ArchiveMetadata>$/s.exec(text);
  if (match === null) return undefined;
  const name = utf8Text(base64Bytes(match[1]!));
  if (name === undefined) return undefined;
  return { name, format: text.startsWith('<m>') ? 'fastglacier' : 'fastglacier-v1' };
}

/** CloudBerry: JSON with `Path` (or `path`) and `UTCDateModified`. */
function cloudBerry(description: string): { name: string; format: DescriptionFormat } | undefined {
  if (!description.trimStart().startsWith('{')) return undefined;
  const meta = jsonObject(description);
  const path = meta?.Path ?? meta?.path;
  return typeof path === 'string' ? { name: path, format: 'cloudberry' } : undefined;
}

/**
 * The file name an archive description stands for, and which tool's form it had: mt-aws-glacier
 * (`mt2`, `mt1`), FastGlacier (v2–4, v1, possibly quoted or padded), CloudBerry JSON; anything
 * else, or one of these forms that does not decode, is the description itself (`plain`). The
 * name is normalised as the audit matches it: backslashes become `/`, leading `/` and `./` go.
 * @example decodeDescription('mt2 eyJmaWxlbmFtZSI6ImEvYi50eHQiLCJtdGltZSI6IjIwMTMwMTAxVDAwMDAwMFoifQ')
 * // { name: 'a/b.txt', format: 'mt2' }
 */
export function decodeDescription(description: string): { name: string; format: DescriptionFormat } {
  // Most descriptions are none of the forms: look at them whole only when a marker is there.
  const decoded = (/^\s*mt[12]\s/.test(description) ? mtAwsGlacier(description) : undefined) ??
    (description.includes('<') ? fastGlacier(description) : undefined) ??
    (description.includes('{') ? cloudBerry(description) : undefined) ?? { name: description, format: 'plain' as const };
  return { name: normalizeName(decoded.name), format: decoded.format };
}
