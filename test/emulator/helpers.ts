// A minimal signed API v2 client for the emulator tests (lib/vod/signer only), plus small HTTP
// helpers: a callback receiver and a static file server on 127.0.0.1.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signRequest, type Credentials, type HttpMethod, type SignatureMethod } from '../../lib/vod/signer';
import type { ParamValue } from '../../lib/vod/params';
import { DEV_ACCOUNT } from '../../emulator';

export type Json = Record<string, any>;

export interface CallOptions {
  method?: HttpMethod;
  credentials?: Credentials;
  signatureMethod?: SignatureMethod;
  /** Data-upload call: params in the query, `body` as the POST body. */
  body?: Buffer;
  timestamp?: number;
  nonce?: number;
}

export async function api(endpoint: string, action: string, params: Record<string, ParamValue> = {}, o: CallOptions = {}): Promise<Json> {
  const upload = o.body !== undefined;
  const signed = signRequest({
    endpoint,
    action,
    params,
    credentials: o.credentials ?? DEV_ACCOUNT,
    method: upload ? 'POST' : (o.method ?? 'GET'),
    signatureMethod: o.signatureMethod,
    paramsInQuery: upload,
    timestamp: o.timestamp,
    nonce: o.nonce,
  });
  const res = await fetch(signed.url, {
    method: signed.method,
    headers: upload ? { 'content-type': 'application/octet-stream' } : signed.headers,
    body: upload ? o.body : signed.body,
  });
  if (res.status !== 200) throw new Error(`${action}: HTTP ${res.status}`);
  return (await res.json()) as Json;
}

/** Poll GetTaskInfo until FINISH. */
export async function waitTask(endpoint: string, vodTaskId: string, timeoutMs = 45_000): Promise<Json> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const info = await api(endpoint, 'GetTaskInfo', { vodTaskId });
    // Past GetTaskInfo's 100 calls/min quota, back off as a real client must.
    if (info.code === 4400 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 1000));
      continue;
    }
    if (info.code !== 0) throw new Error(`GetTaskInfo ${vodTaskId}: ${info.code} ${info.message}`);
    if (info.status === 'FINISH') return info;
    if (Date.now() > deadline) throw new Error(`task ${vodTaskId} still ${info.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export interface Receiver {
  url: string;
  bodies: Json[];
  close(): Promise<void>;
  /** Resolves with the first body matching. */
  waitFor(match: (body: Json) => boolean, timeoutMs?: number): Promise<Json>;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const readAll = async (req: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
};

/** An HTTP callback receiver; `status` lets a test answer errors. */
export async function startReceiver(status = 200): Promise<Receiver> {
  const bodies: Json[] = [];
  const waiters: Array<() => void> = [];
  const server = createServer(async (req, res) => {
    const raw = await readAll(req);
    try {
      bodies.push(JSON.parse(raw.toString('utf8')) as Json);
    } catch {
      bodies.push({ unparsable: raw.toString('utf8') });
    }
    for (const w of waiters.splice(0)) w();
    res.writeHead(status).end('{}');
  });
  const url = await listen(server);
  return {
    url,
    bodies,
    close: () => new Promise((r) => server.close(() => r())),
    async waitFor(match, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = bodies.find(match);
        if (found) return found;
        if (Date.now() > deadline)
          throw new Error(`no matching callback within ${timeoutMs} ms; got ${JSON.stringify(bodies.map((b) => b.eventType))}`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 200);
        });
      }
    },
  };
}

/** Serves fixed bodies by path (a pull source). */
export async function startFileServer(files: Record<string, Buffer>): Promise<{ url: string; hits: string[]; close(): Promise<void> }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(req.url ?? '');
    const body = files[req.url ?? ''];
    if (!body) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': body.length }).end(body);
  });
  const url = await listen(server);
  return { url, hits, close: () => new Promise((r) => server.close(() => r())) };
}

export const hex = (alg: 'sha1' | 'md5', b: Buffer): string => createHash(alg).update(b).digest('hex');

/** Server upload of `bytes` with InitUpload / UploadPart / FinishUpload. */
export async function uploadFile(
  endpoint: string,
  bytes: Buffer,
  fileName: string,
  dataSize = 16 * 1024,
): Promise<{ fileId: string; url: string }> {
  const fileSha = hex('sha1', bytes);
  const init = await api(endpoint, 'InitUpload', { fileName, fileSha, fileSize: bytes.length, dataSize, fileType: 'mp4' });
  if (init.code === 2) return { fileId: init.fileId, url: init.url };
  if (init.code !== 0) throw new Error(`InitUpload: ${JSON.stringify(init)}`);
  for (let offset = 0; offset < bytes.length; offset += dataSize) {
    const part = bytes.subarray(offset, offset + dataSize);
    const r = await api(endpoint, 'UploadPart', { fileSha, offset, dataSize: part.length, dataMd5: hex('md5', part) }, { body: part });
    if (r.code !== 0) throw new Error(`UploadPart: ${JSON.stringify(r)}`);
  }
  const done = await api(endpoint, 'FinishUpload', { fileSha });
  if (done.code !== 0) throw new Error(`FinishUpload: ${JSON.stringify(done)}`);
  return { fileId: done.fileId, url: done.url };
}
