// Media URLs `/vod${appId}/${fileId}/${name}` (reference §4.8), served from the data dir with
// single-range support (206/416), content types for players, and no way out of the file's folder.
import { createReadStream, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import type { EmulatorContext } from './context';
import { CORS_HEADERS } from './http-io';
import { fileDir } from './urls';

const CONTENT_TYPES: Record<string, string> = {
  '.mp4': 'video/mp4',
  '.m4v': 'video/mp4',
  '.m4a': 'audio/mp4',
  '.mov': 'video/quicktime',
  '.m3u8': 'application/vnd.apple.mpegurl',
  '.ts': 'video/mp2t',
  '.flv': 'video/x-flv',
  '.mkv': 'video/x-matroska',
  '.webm': 'video/webm',
  '.avi': 'video/x-msvideo',
  '.mp3': 'audio/mpeg',
  '.aac': 'audio/aac',
  '.wav': 'audio/wav',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.vtt': 'text/vtt',
};

export const contentTypeOf = (name: string): string => CONTENT_TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream';

const MEDIA_PATH = /^\/vod(\d{1,12})\/(\d{1,24})\/((?:[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}\/){0,3}[A-Za-z0-9_-][A-Za-z0-9._-]{0,127})$/;

function plain(res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, {
    ...CORS_HEADERS,
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...extra,
  });
  res.end(text);
}

/** `bytes=a-b`, `bytes=a-`, `bytes=-n`; undefined = serve whole; null = unsatisfiable. */
export function parseRange(header: string, size: number): { start: number; end: number } | undefined | null {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m) return undefined; // multiple or malformed ranges: the whole file is a valid answer
  const [, a, b] = m;
  if (a === '' && b === '') return undefined;
  if (a === '') {
    const n = Number(b);
    if (n === 0 || size === 0) return null;
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(a);
  const end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  if (start >= size || start > end) return null;
  return { start, end };
}

export function serveMedia(ctx: EmulatorContext, req: IncomingMessage, res: ServerResponse, path: string): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, 'method not allowed', { allow: 'GET, HEAD' });
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return plain(res, 400, 'bad path');
  }
  const m = MEDIA_PATH.exec(decoded);
  if (!m || decoded.split('/').some((part) => part === '..' || part === '.')) return plain(res, 404, 'not found');
  const [, appId, fileId, name] = m;
  const file = ctx.store.state.files[fileId!];
  if (!file || String(file.appId) !== appId) return plain(res, 404, 'not found');
  const dir = resolve(fileDir(ctx.store.mediaRoot, file.appId, file.fileId));
  const target = resolve(join(dir, name!));
  if (!target.startsWith(dir + sep)) return plain(res, 404, 'not found');
  let size: number;
  let mtime: Date;
  try {
    const st = statSync(target);
    if (!st.isFile()) return plain(res, 404, 'not found');
    ({ size, mtime } = st);
  } catch {
    return plain(res, 404, 'not found');
  }
  const headers: Record<string, string | number> = {
    ...CORS_HEADERS,
    'content-type': contentTypeOf(name!),
    'accept-ranges': 'bytes',
    'last-modified': mtime.toUTCString(),
    'cache-control': 'no-cache',
  };
  const range = req.headers.range ? parseRange(req.headers.range, size) : undefined;
  if (range === null) return plain(res, 416, 'range not satisfiable', { 'content-range': `bytes */${size}` });
  const { start, end } = range ?? { start: 0, end: size - 1 };
  const length = size === 0 ? 0 : end - start + 1;
  headers['content-length'] = length;
  if (range) headers['content-range'] = `bytes ${start}-${end}/${size}`;
  res.writeHead(range ? 206 : 200, headers);
  if (req.method === 'HEAD' || length === 0) return void res.end();
  const stream = createReadStream(target, { start, end });
  stream.on('error', () => res.destroy());
  res.on('close', () => stream.destroy());
  stream.pipe(res);
}
