// The example page (examples/browser/): `npm run example` builds it with esbuild from the
// package's own entries (dist/, as a client would get them) and serves it on 127.0.0.1.
//   node scripts/example.mjs            build, then serve (PORT, default 8080)
//   node scripts/example.mjs --build    build only
// The page is served with a strict Content-Security-Policy (no 'unsafe-eval'; Wasm allowed by
// 'wasm-unsafe-eval'), as a careful client would serve it. test/example.test.ts drives it in Chromium.
import { readFileSync, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const EXAMPLE = join(ROOT, 'examples', 'browser');
export const EXAMPLE_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; style-src 'self'; img-src 'self'";

/**
 * Bundles a page script as a client would (esbuild, from the package's built entries) into
 * OUTDIR/main.js, and the library's worker into OUTDIR/worker.js: the library starts
 * `new URL('./worker.js', import.meta.url)`, i.e. next to the bundle that holds it.
 */
export async function bundleForBrowser(entry, outdir) {
  if (!existsSync(join(ROOT, 'dist', 'web', 'worker.js'))) throw new Error('dist/ is not built: run npm run build first');
  const common = {
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    sourcemap: true,
    logLevel: 'warning',
    absWorkingDir: ROOT,
  };
  await build({ ...common, entryPoints: [entry], outfile: join(outdir, 'main.js') });
  await build({ ...common, entryPoints: [join(ROOT, 'dist', 'web', 'worker.js')], outfile: join(outdir, 'worker.js') });
}

/** Builds the example page's script and worker into examples/browser/dist/. */
export function buildExample() {
  return bundleForBrowser(join(EXAMPLE, 'main.ts'), join(EXAMPLE, 'dist'));
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.map': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/**
 * Serves a folder's files on 127.0.0.1 with the given response headers; resolves to the server
 * and its origin. Paths outside the folder and missing files are 404.
 */
export function serveFolder(folder, headers = {}, port = 0) {
  const server = createServer((request, response) => {
    const path = normalize(join(folder, decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname)));
    const file = path.endsWith(sep) ? join(path, 'index.html') : path;
    if (!file.startsWith(folder) || !existsSync(file) || !statSync(file).isFile()) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    response.writeHead(200, { 'content-type': type, 'cache-control': 'no-store', ...headers }).end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve({ server, origin: `http://127.0.0.1:${server.address().port}` })));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === normalize(process.argv[1])) {
  await buildExample();
  console.log('built examples/browser/dist/ (main.js, worker.js)');
  if (!process.argv.includes('--build')) {
    const { origin } = await serveFolder(EXAMPLE, { 'content-security-policy': EXAMPLE_CSP }, Number(process.env.PORT ?? 8080));
    console.log(`serving the example at ${origin}/ (Ctrl-C to stop)`);
  }
}
