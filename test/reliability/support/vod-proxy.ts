// A recording pass-through in front of the VOD emulator: the stack's handlers talk to it as their
// VOD endpoint, it forwards every byte (Host header included, so signatures still verify) and
// notes what each call was and how it ended — an answer code, HTTP 503, a reset connection, or
// the client giving up (timeout). The timestamps are what shows backoff; the counts are the
// "requests tried" of the report. Faults stay the emulator's: the proxy only mirrors them.
import { createServer, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export type CallEnd = 'answered' | 'http503' | 'http5xx' | 'reset' | 'client-gone';

export interface CallRecord {
  at: number;
  ms: number;
  action: string;
  /** vodTaskId or fileId, when the call names one: calls about one task line up by it. */
  subject?: string;
  end: CallEnd;
  /** The envelope code when answered. */
  code?: number;
}

export interface VodProxy {
  url: string;
  calls: CallRecord[];
  setTarget(url: string): void;
  /** Resets the connection of every call the predicate picks (VOD unreachable for those), until cleared. */
  block(predicate: ((params: URLSearchParams) => boolean) | undefined): void;
  close(): Promise<void>;
}

const readAll = async (req: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
};

function paramsOf(url: string, body: Buffer, contentType: string | undefined): URLSearchParams {
  const query = new URL(url, 'http://x').searchParams;
  if (query.get('Action') || !contentType?.startsWith('application/x-www-form-urlencoded')) return query;
  return new URLSearchParams(body.toString('utf8'));
}

export async function startVodProxy(): Promise<VodProxy> {
  let target: URL | undefined;
  let blocked: ((params: URLSearchParams) => boolean) | undefined;
  const calls: CallRecord[] = [];
  const server = createServer(async (req, res) => {
    const started = Date.now();
    const body = await readAll(req);
    const params = paramsOf(req.url ?? '/', body, req.headers['content-type']);
    const record: CallRecord = {
      at: started,
      ms: 0,
      action: params.get('Action') ?? '(none)',
      subject: params.get('vodTaskId') ?? params.get('fileId') ?? undefined,
      end: 'client-gone',
    };
    const finish = (end: CallEnd, code?: number) => {
      if (record.ms) return;
      Object.assign(record, { end, code, ms: Math.max(1, Date.now() - started) });
      calls.push(record);
    };
    if (!target) return void res.writeHead(502).end();
    if (blocked?.(params)) {
      finish('reset');
      return void req.socket.destroy();
    }
    const upstream = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      async (up) => {
        let answer: Buffer;
        try {
          answer = await readAll(up);
        } catch {
          finish('reset');
          return void res.destroy();
        }
        const status = up.statusCode ?? 502;
        let code: number | undefined;
        try {
          code = (JSON.parse(answer.toString('utf8')) as { code?: number }).code;
        } catch {
          code = undefined;
        }
        finish(status === 503 ? 'http503' : status >= 500 ? 'http5xx' : 'answered', code);
        res.writeHead(status, up.headers).end(answer);
      },
    );
    // The emulator destroying its socket (drop faults) must reach the caller as the same reset.
    upstream.on('error', () => {
      finish(res.writableEnded ? 'answered' : req.destroyed || res.destroyed ? 'client-gone' : 'reset');
      res.destroy();
    });
    // The caller timing out: record it and let go of the upstream call too.
    res.on('close', () => {
      if (!res.writableFinished) {
        finish('client-gone');
        upstream.destroy();
      }
    });
    upstream.end(body);
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    setTarget: (url) => void (target = new URL(url)),
    block: (predicate) => void (blocked = predicate),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
