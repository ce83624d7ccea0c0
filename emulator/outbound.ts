// Outbound HTTP for pulls and callbacks, always through the address guard (net-guard.ts).
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { checkOutboundUrl, pinnedLookup, RefusedUrl, type GuardOptions } from './net-guard';

export class OutboundError extends Error {}

interface Sent {
  response: IncomingMessage;
  url: URL;
}

async function send(
  raw: string,
  o: GuardOptions & { method: string; body?: string; headers?: Record<string, string>; timeoutMs: number; signal?: AbortSignal },
): Promise<Sent> {
  const { url, address } = await checkOutboundUrl(raw, o);
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<Sent>((resolve, reject) => {
    const req = request(url, {
      method: o.method,
      headers: o.headers,
      lookup: pinnedLookup(address) as never,
      timeout: o.timeoutMs,
      signal: o.signal,
    });
    req.on('response', (response) => resolve({ response, url }));
    req.on('timeout', () => req.destroy(new OutboundError(`no answer from ${url.host} within ${o.timeoutMs} ms`)));
    req.on('error', (err) =>
      reject(err instanceof OutboundError || err instanceof RefusedUrl ? err : new OutboundError(`${url.host}: ${err.message}`)),
    );
    req.end(o.body);
  });
}

export interface DownloadResult {
  size: number;
  md5: string;
  sha1: string;
  finalUrl: string;
}

/**
 * GET into `dest`, following up to 3 redirects (each one checked again), capped at maxBytes and,
 * over all hops and the whole body, at deadlineMs: a slow source cannot hold a task forever.
 */
export async function download(
  raw: string,
  dest: string,
  o: GuardOptions & { maxBytes: number; timeoutMs: number; deadlineMs?: number; signal?: AbortSignal },
): Promise<DownloadResult> {
  if (o.deadlineMs === undefined) return downloadWithin(raw, dest, o);
  const deadline = AbortSignal.timeout(o.deadlineMs);
  const signal = o.signal ? AbortSignal.any([o.signal, deadline]) : deadline;
  try {
    return await downloadWithin(raw, dest, { ...o, signal });
  } catch (err) {
    if (deadline.aborted && !o.signal?.aborted)
      throw new OutboundError(`the download did not finish within ${Math.round(o.deadlineMs / 1000)} s (pull deadline)`);
    throw err;
  }
}

async function downloadWithin(
  raw: string,
  dest: string,
  o: GuardOptions & { maxBytes: number; timeoutMs: number; signal?: AbortSignal },
): Promise<DownloadResult> {
  let current = raw;
  for (let hop = 0; hop <= 3; hop++) {
    const { response, url } = await send(current, { ...o, method: 'GET' });
    const status = response.statusCode ?? 0;
    if (status >= 300 && status < 400 && response.headers.location) {
      response.resume();
      current = new URL(response.headers.location, url).toString();
      continue;
    }
    if (status !== 200) {
      response.resume();
      throw new OutboundError(`GET ${url.host}${url.pathname} answered HTTP ${status}`);
    }
    const declared = Number(response.headers['content-length'] ?? NaN);
    if (declared > o.maxBytes) {
      response.destroy();
      throw new OutboundError(`the source is ${declared} bytes, more than the ${o.maxBytes} allowed`);
    }
    const md5 = createHash('md5');
    const sha1 = createHash('sha1');
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        size += chunk.length;
        if (size > o.maxBytes) return cb(new OutboundError(`the source exceeds the ${o.maxBytes} bytes allowed`));
        md5.update(chunk);
        sha1.update(chunk);
        cb(null, chunk);
      },
    });
    try {
      await pipeline(response, meter, createWriteStream(dest), { signal: o.signal });
    } catch (err) {
      if (err instanceof OutboundError) throw err;
      throw new OutboundError(`download from ${url.host} failed: ${(err as Error).message}`);
    }
    return { size, md5: md5.digest('hex'), sha1: sha1.digest('hex'), finalUrl: url.toString() };
  }
  throw new OutboundError('too many redirects');
}

/** POST JSON; resolves with the HTTP status (the body is ignored, as VOD does). */
export async function postJson(raw: string, body: unknown, o: GuardOptions & { timeoutMs: number; signal?: AbortSignal }): Promise<number> {
  const payload = JSON.stringify(body);
  const { response } = await send(raw, {
    ...o,
    method: 'POST',
    body: payload,
    headers: { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(payload)) },
  });
  response.resume();
  return response.statusCode ?? 0;
}
