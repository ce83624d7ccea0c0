// Reading bodies with a cap and writing JSON answers, without ever throwing at the caller.
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface Body {
  bytes: Buffer;
  tooLarge: boolean;
  /** The client went away before the end of the body. */
  aborted: boolean;
}

/**
 * Buffers up to `limit` bytes; past that, drains (up to a hard cap) so an answer can still be read.
 * `into`: where a body with a content-length of at least `into.minSize` is copied as it arrives
 * (a reused buffer), instead of being gathered and concatenated.
 */
export function readBody(req: IncomingMessage, limit: number, into?: { minSize: number; take: (size: number) => Buffer }): Promise<Body> {
  const hardCap = limit * 4 + 1024 * 1024;
  const declared = Number(req.headers['content-length']);
  const target = into && Number.isSafeInteger(declared) && declared >= into.minSize && declared <= limit ? into.take(declared) : undefined;
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const done = (aborted: boolean) => {
      if (settled) return;
      settled = true;
      const bytes =
        size > limit
          ? Buffer.alloc(0)
          : target && !aborted
            ? size === target.length
              ? target
              : target.subarray(0, size)
            : Buffer.concat(chunks);
      resolve({ bytes, tooLarge: size > limit, aborted });
    };
    req.on('data', (chunk: Buffer) => {
      // node:http never delivers more than the content-length it framed the request with.
      if (target && size + chunk.length <= target.length) chunk.copy(target, size);
      size += chunk.length;
      // Into the target, or kept as chunks up to the limit (past it the answer has no body).
      if (!target) {
        if (size <= limit) chunks.push(chunk);
        else chunks.length = 0;
      }
      // Past the hard cap, stop reading: answer now, then close the connection.
      if (size > hardCap) {
        req.pause();
        done(false);
      }
    });
    req.on('end', () => done(false));
    req.on('error', () => done(true));
    req.on('close', () => done(!req.complete));
  });
}

export const CORS_HEADERS: Record<string, string> = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers': 'content-length, content-range, accept-ranges',
};

export function sendJson(res: ServerResponse, status: number, body: unknown, close = false): void {
  if (res.headersSent || res.destroyed) return;
  const payload = JSON.stringify(body);
  // One literal of a fixed shape per answer (no spreads): this runs for every API call.
  const headers: Record<string, string | number> = {
    'access-control-allow-origin': CORS_HEADERS['access-control-allow-origin']!,
    'access-control-expose-headers': CORS_HEADERS['access-control-expose-headers']!,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
  };
  if (close) headers.connection = 'close';
  res.writeHead(status, headers);
  res.end(payload);
}

export function sendPreflight(req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(204, {
    ...CORS_HEADERS,
    'access-control-allow-methods': 'GET, POST, OPTIONS',
    'access-control-allow-headers': String(req.headers['access-control-request-headers'] ?? 'content-type'),
    'access-control-max-age': '600',
    'content-length': '0',
  });
  res.end();
}
