// The one HTTP server: API paths, media files, a small index at `/`. Every request ends in a
// JSON (or, for media, a plain) answer; nothing thrown inside reaches the socket as a stack.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { API_PATHS, handleApi } from './api';
import type { EmulatorContext } from './context';
import { serveMedia } from './files';
import { sendJson } from './http-io';
import { envelope } from './protocol';
import type { ReplayGuard } from './replay';
import type { Stats } from './stats';
import { handleV3, isV3Request } from './v3/api';
import { handleStoragePut } from './v3/storage';

export function createEmulatorServer(ctx: EmulatorContext, replay: ReplayGuard, stats: Stats): Server {
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    stats.requests++;
    const raw = req.url ?? '/';
    const q = raw.indexOf('?');
    const path = q < 0 ? raw : raw.slice(0, q);
    const rawQuery = q < 0 ? '' : raw.slice(q + 1);
    if (API_PATHS.has(path)) return handleApi(ctx, replay, stats, req, res, path, rawQuery);
    // API 3.0 on the same port: TC3-signed calls to `/`, and the storage PUT of its push upload.
    if (isV3Request(req, path)) return handleV3(ctx, replay, stats, req, res, rawQuery);
    if (path.startsWith('/cos/')) return handleStoragePut(ctx, req, res, path);
    if (path.startsWith('/vod')) return serveMedia(ctx, req, res, path);
    req.resume();
    if (path === '/' || path === '/health') {
      return sendJson(
        res,
        200,
        envelope(0, 'vodflow emulator', {
          endpoint: `${ctx.baseUrl()}/v2/index.php`,
          uploadEndpoint: `${ctx.baseUrl()}/v2/index.php`,
          tasks: ctx.runner.counts(),
        }),
      );
    }
    sendJson(res, 404, envelope(4000, `no route ${path.slice(0, 200)}: the API is at /v2/index.php`));
  };

  const server = createServer({ maxHeaderSize: 256 * 1024, requestTimeout: 300_000 }, (req, res) => {
    handle(req, res).catch((err: unknown) => {
      ctx.log('error', 'unhandled error while answering a request', { error: String((err as Error)?.stack ?? err) });
      if (!res.headersSent) sendJson(res, 200, envelope(6000, 'internal error; see the emulator log'));
      else res.destroy();
    });
  });

  // Requests the HTTP parser itself refuses (oversized headers, garbage) still get JSON.
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (!socket.writable || err.code === 'ECONNRESET') return void socket.destroy();
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
    const body = JSON.stringify(envelope(4000, status === 431 ? 'request line or headers too large' : 'malformed HTTP request'));
    socket.end(
      `HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
  return server;
}
