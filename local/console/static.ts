// The console's files: console/ at the repository root, and hls.js from node_modules (its dist
// build, vendored through npm: the page loads nothing from the network).
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const CONSOLE_DIR = fileURLToPath(new URL('../../console/', import.meta.url));
const require = createRequire(import.meta.url);

const TYPES = new Map([
  ['.html', 'text/html; charset=utf-8'],
  ['.css', 'text/css; charset=utf-8'],
  ['.js', 'text/javascript; charset=utf-8'],
  ['.mjs', 'text/javascript; charset=utf-8'],
  ['.svg', 'image/svg+xml'],
  ['.map', 'application/json'],
]);

/** Vendored files by their path under /console/vendor/. */
const VENDOR = new Map([['hls.min.js', () => require.resolve('hls.js/dist/hls.min.js')]]);

// Inline scripts are refused; media and images come from the emulator's port.
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' http://127.0.0.1:* http://localhost:* data:; media-src 'self' http://127.0.0.1:* http://localhost:* blob:; connect-src 'self' http://127.0.0.1:* http://localhost:*; worker-src 'self' blob:; frame-ancestors 'none'";

function fileFor(rest: string): string | undefined {
  if (rest === '' || rest === '/') return path.join(CONSOLE_DIR, 'index.html');
  if (rest.startsWith('/vendor/')) return VENDOR.get(rest.slice('/vendor/'.length))?.();
  if (!/^\/[\w.-]+(\/[\w.-]+)*$/.test(rest) || rest.split('/').some((part) => part.startsWith('.'))) return undefined;
  const file = path.join(CONSOLE_DIR, rest);
  return file.startsWith(CONSOLE_DIR) ? file : undefined;
}

/** `rest` is the path after /console. */
export async function serveStatic(req: IncomingMessage, res: ServerResponse, rest: string): Promise<void> {
  const file = fileFor(rest);
  const type = file && TYPES.get(path.extname(file));
  const info = file && type ? await stat(file).catch(() => undefined) : undefined;
  if (!file || !type || !info?.isFile()) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('not found\n');
    return;
  }
  res.writeHead(200, {
    'content-type': type,
    'content-length': String(info.size),
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    ...(type.startsWith('text/html') ? { 'content-security-policy': CSP } : {}),
  });
  if (req.method === 'HEAD') return void res.end();
  createReadStream(file).pipe(res);
}
