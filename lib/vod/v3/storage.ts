// The storage step of an API 3.0 push upload (vod-v3-api.md §4.3): one COS simple upload
// `PUT <MediaStoragePath>` to `<StorageBucket>.cos.<StorageRegion>.myqcloud.com`, signed with the
// COS request signature (COS doc 436/7778) from ApplyUpload's TempCertificate, the token in
// x-cos-security-token. COS accepts up to 5 GB in one PUT (436/7749), beyond vodflow's limits.
import { createHash, createHmac } from 'node:crypto';
import { Readable } from 'node:stream';
import { VodApiError, VodTransportError } from '../client/errors';

export interface CosCredentials {
  secretId: string;
  secretKey: string;
  token?: string;
}

const sha1Hex = (s: string) => createHash('sha1').update(s, 'utf8').digest('hex');
const hmacSha1Hex = (key: string, s: string) => createHmac('sha1', key).update(s, 'utf8').digest('hex');
const enc = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export interface CosSignInput {
  method: string;
  /** The object path as sent, starting with '/'. */
  path: string;
  /** Signed headers (names any case). */
  headers: Record<string, string>;
  query?: Record<string, string>;
  secretId: string;
  secretKey: string;
  /** [start, end] UNIX seconds. */
  keyTime: [number, number];
}

export function cosAuthorization(input: CosSignInput): string {
  const keyTime = `${input.keyTime[0]};${input.keyTime[1]}`;
  const pairs = (o: Record<string, string>) =>
    Object.entries(o)
      .map(([k, v]) => [enc(k.toLowerCase()), enc(v)] as const)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const headers = pairs(input.headers);
  const params = pairs(input.query ?? {});
  const httpString = `${input.method.toLowerCase()}\n${input.path}\n${params.map(([k, v]) => `${k}=${v}`).join('&')}\n${headers.map(([k, v]) => `${k}=${v}`).join('&')}\n`;
  const stringToSign = `sha1\n${keyTime}\n${sha1Hex(httpString)}\n`;
  const signature = hmacSha1Hex(hmacSha1Hex(input.secretKey, keyTime), stringToSign);
  return [
    'q-sign-algorithm=sha1',
    `q-ak=${input.secretId}`,
    `q-sign-time=${keyTime}`,
    `q-key-time=${keyTime}`,
    `q-header-list=${headers.map(([k]) => k).join(';')}`,
    `q-url-param-list=${params.map(([k]) => k).join(';')}`,
    `q-signature=${signature}`,
  ].join('&');
}

export interface StoragePut {
  bucket: string;
  region: string;
  /** MediaStoragePath from ApplyUpload. */
  key: string;
  credentials: CosCredentials;
  body: Readable | Uint8Array;
  size: number;
  /**
   * Where COS is: default `https://<bucket>.cos.<region>.myqcloud.com`. A base such as
   * `http://127.0.0.1:PORT/cos` (the emulator) is used as `<base>/<bucket>`.
   */
  storageEndpoint?: string;
  timeoutMs?: number;
}

export function storageUrl(p: Pick<StoragePut, 'bucket' | 'region' | 'key' | 'storageEndpoint'>): URL {
  const key = p.key.startsWith('/') ? p.key : `/${p.key}`;
  const encodedKey = key.split('/').map(enc).join('/');
  if (p.storageEndpoint) return new URL(`${p.storageEndpoint.replace(/\/+$/, '')}/${enc(p.bucket)}${encodedKey}`);
  return new URL(`https://${p.bucket}.cos.${p.region}.myqcloud.com${encodedKey}`);
}

export async function putObject(p: StoragePut): Promise<{ etag?: string }> {
  const url = storageUrl(p);
  const now = Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = { host: url.host };
  // COS signs the object key (on its own host the key is the whole path).
  const keyPath = p.key.startsWith('/') ? p.key : `/${p.key}`;
  const authorization = cosAuthorization({
    method: 'PUT',
    path: keyPath,
    headers,
    secretId: p.credentials.secretId,
    secretKey: p.credentials.secretKey,
    keyTime: [now - 60, now + 3600],
  });
  const sendHeaders: Record<string, string> = {
    authorization,
    'content-length': String(p.size),
    'content-type': 'application/octet-stream',
  };
  if (p.credentials.token) sendHeaders['x-cos-security-token'] = p.credentials.token;
  const body = p.body instanceof Uint8Array ? p.body : (Readable.toWeb(p.body) as ReadableStream<Uint8Array>);
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'PUT',
      headers: sendHeaders,
      body,
      duplex: 'half',
      signal: AbortSignal.timeout(p.timeoutMs ?? 600_000),
    } as RequestInit);
  } catch (error) {
    throw new VodTransportError('StoragePut', (error as Error).message, 1, { endpoint: url.origin, cause: error });
  }
  const text = await res.text();
  if (res.ok) return { etag: res.headers.get('etag') ?? undefined };
  if (isRefusal(res.status)) throw storageRefusal(res.status, text);
  throw new VodTransportError('StoragePut', `HTTP ${res.status}: ${text.slice(0, 200)}`, 1, { endpoint: url.origin, status: res.status });
}

/** A 4xx COS will answer the same way again (not 408/429, which ask to come back later). */
const isRefusal = (status: number): boolean => status >= 400 && status < 500 && status !== 408 && status !== 429;

/**
 * COS's refusal (its XML error: <Code>, <Message>) as an API answer, so the failure is classified
 * and ends in a video.failed that names it, instead of being redelivered as a network fault until
 * the job goes 'stalled'. The code stays COS's own, as `CosError.<Code>` (an unknown 3.0 code:
 * retried once — a new ApplyUpload brings new credentials — then final).
 */
function storageRefusal(status: number, xml: string): VodApiError {
  const field = (name: string) => new RegExp(`<${name}>([^<]{1,200})</${name}>`).exec(xml)?.[1]?.trim();
  const cosCode = field('Code');
  const code = `CosError.${cosCode && /^[A-Za-z0-9]{1,64}$/.test(cosCode) ? cosCode : `Http${status}`}`;
  const message = `COS refused the upload (HTTP ${status}${cosCode ? ` ${cosCode}` : ''})${field('Message') ? `: ${field('Message')}` : ''}`;
  return new VodApiError('StoragePut', code, message, { attempts: 1, response: { status, body: xml.slice(0, 500) } });
}
