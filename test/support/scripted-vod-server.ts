// A real HTTP server on 127.0.0.1:0 that speaks the VOD v2 wire format just enough for client
// tests: it decodes each request (GET query, POST form, or data-upload POST with params in the
// query and an octet-stream body), verifies the signature with lib/vod/signer `verify`, records
// everything, and answers from a script — including faults (HTTP 5xx, reset connections, delays,
// malformed JSON, failure codes).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FlatParams } from '../../lib/vod/params';
import { verify, type VerifyResult } from '../../lib/vod/signer';

export interface RecordedRequest {
  seq: number;
  method: string;
  /** The Host header, port included: what the client must have signed. */
  host: string;
  path: string;
  /** The parameters the signature covers: query (GET, data-upload POST) or form body (POST). */
  params: FlatParams;
  action?: string;
  /** Raw body (the chunk for UploadPart). */
  body: Buffer;
  contentType?: string;
  signature: VerifyResult;
  receivedAt: number;
}

export type Reply = { delayMs?: number } & (
  | { json: unknown; status?: number }
  | { text: string; status?: number; contentType?: string }
  | { reset: true }
);

export type Handler = (req: RecordedRequest) => Reply | Promise<Reply>;

export interface ScriptedVodServerOptions {
  secretKey: string;
  /** Answers when the queue is empty; default `{code: 0, message: ''}`. */
  handler?: Handler;
}

export interface ScriptedVodServer {
  url: string;
  endpoint: string;
  /** Same server under /v3/index.php, the PHP/Java SDKs' data-upload path. */
  uploadEndpoint: string;
  requests: RecordedRequest[];
  /** Replies used first, one per request, in order. */
  enqueue(...replies: Reply[]): void;
  setHandler(handler: Handler | undefined): void;
  /** Forget recorded requests and queued replies. */
  reset(): void;
  close(): Promise<void>;
}

const OK: Reply = { json: { code: 0, message: '', codeDesc: 'Success' } };

const fromSearch = (search: URLSearchParams): FlatParams => Object.fromEntries(search.entries());

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startScriptedVodServer(options: ScriptedVodServerOptions): Promise<ScriptedVodServer> {
  const requests: RecordedRequest[] = [];
  const queue: Reply[] = [];
  let handler = options.handler;
  const sockets = new Set<Socket>();
  const abort = new AbortController();

  const answer = async (reply: Reply, res: ServerResponse): Promise<void> => {
    if (reply.delayMs) await sleep(reply.delayMs, undefined, { signal: abort.signal }).catch(() => undefined);
    if (res.destroyed || abort.signal.aborted) return;
    if ('reset' in reply) {
      res.socket?.resetAndDestroy();
      return;
    }
    const status = reply.status ?? 200;
    if ('json' in reply) {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(reply.json));
    } else {
      res.writeHead(status, { 'content-type': reply.contentType ?? 'text/html' }).end(reply.text);
    }
  };

  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://placeholder');
      const body = await readBody(req);
      const contentType = req.headers['content-type'];
      const method = (req.method ?? 'GET').toUpperCase();
      // POST form: params in the body, query ignored (doc); otherwise params are in the query.
      const params =
        method === 'POST' && contentType?.startsWith('application/x-www-form-urlencoded')
          ? fromSearch(new URLSearchParams(body.toString('utf8')))
          : fromSearch(url.searchParams);
      const host = req.headers.host ?? '';
      const recorded: RecordedRequest = {
        seq: requests.length + 1,
        method,
        host,
        path: url.pathname,
        params,
        action: params.Action,
        body,
        contentType,
        signature: verify({ method, host, path: url.pathname, params, secretKey: options.secretKey }),
        receivedAt: performance.now(),
      };
      requests.push(recorded);
      if (!recorded.signature.ok) {
        const upload = ['InitUpload', 'UploadPart', 'FinishUpload'].includes(recorded.action ?? '');
        await answer(
          {
            json: upload
              ? { code: -10002, message: recorded.signature.message, codeDesc: '', canRetry: 0 }
              : { code: 4100, message: recorded.signature.message, codeDesc: 'AuthFailure' },
          },
          res,
        );
        return;
      }
      const reply = queue.shift() ?? (handler ? await handler(recorded) : OK);
      await answer(reply, res);
    } catch (error) {
      if (!res.headersSent) res.writeHead(500).end(String(error));
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    endpoint: `${url}/v2/index.php`,
    uploadEndpoint: `${url}/v3/index.php`,
    requests,
    enqueue: (...replies) => void queue.push(...replies),
    setHandler: (h) => void (handler = h),
    reset: () => {
      requests.length = 0;
      queue.length = 0;
    },
    close: async () => {
      abort.abort();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
    },
  };
}
