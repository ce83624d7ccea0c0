// API 3.0 request signature TC3-HMAC-SHA256 (vod-v3-api.md §2): canonical request → string to
// sign → HMAC chain keyed by "TC3"+SecretKey over date, service, "tc3_request". Pure; the same
// functions sign (client) and verify (emulator), and are checked against Tencent's SDK signer.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const TC3_ALGORITHM = 'TC3-HMAC-SHA256';

const sha256Hex = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, msg: string): Buffer => createHmac('sha256', key).update(msg, 'utf8').digest();

/** UTC calendar date of a UNIX timestamp: the scope date (not Beijing's, reference §2.1 step 4). */
export const scopeDate = (timestamp: number): string => new Date(timestamp * 1000).toISOString().slice(0, 10);

/** The first DNS label of the host: `vod` for vod.tencentcloudapi.com and its regional hosts. */
export const serviceOf = (host: string): string => host.split('.')[0]!;

export interface CanonicalInput {
  method: string;
  /** Default '/'. */
  path?: string;
  /** POST: ''. GET: the query string exactly as sent. */
  query?: string;
  /** Signed headers by lower-case name (values as sent). */
  headers: ReadonlyMap<string, string>;
  /** Raw body bytes or text (GET: ''). */
  payload: string | Uint8Array;
}

export function canonicalRequest(input: CanonicalInput): { canonical: string; signedHeaders: string } {
  const names = [...input.headers.keys()].map((n) => n.toLowerCase()).sort();
  // The doc rule trims and lower-cases values; the SDK's values (content-type, host) are already so,
  // except the Content-Type case, which the SDK leaves as sent — so only trim.
  const lines = names.map((n) => `${n}:${input.headers.get(n)!.trim()}\n`).join('');
  const signedHeaders = names.join(';');
  const canonical = [input.method.toUpperCase(), input.path ?? '/', input.query ?? '', lines, signedHeaders, sha256Hex(input.payload)].join(
    '\n',
  );
  return { canonical, signedHeaders };
}

export function signingKey(secretKey: string, date: string, service: string): Buffer {
  return hmac(hmac(hmac(`TC3${secretKey}`, date), service), 'tc3_request');
}

export interface SignInput extends CanonicalInput {
  secretId: string;
  secretKey: string;
  timestamp: number;
  /** Default: from the host header. */
  service?: string;
}

export interface Signed {
  authorization: string;
  signature: string;
  canonical: string;
  stringToSign: string;
  credentialScope: string;
}

export function sign3(input: SignInput): Signed {
  const host = input.headers.get('host') ?? '';
  const service = input.service ?? serviceOf(host);
  const date = scopeDate(input.timestamp);
  const { canonical, signedHeaders } = canonicalRequest(input);
  const credentialScope = `${date}/${service}/tc3_request`;
  const stringToSign = `${TC3_ALGORITHM}\n${input.timestamp}\n${credentialScope}\n${sha256Hex(canonical)}`;
  const signature = createHmac('sha256', signingKey(input.secretKey, date, service))
    .update(stringToSign, 'utf8')
    .digest('hex');
  return {
    authorization: `${TC3_ALGORITHM} Credential=${input.secretId}/${credentialScope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
    signature,
    canonical,
    stringToSign,
    credentialScope,
  };
}

export interface ParsedAuthorization {
  secretId: string;
  date: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

const AUTH =
  /^TC3-HMAC-SHA256 Credential=([^/\s,]{1,128})\/(\d{4}-\d{2}-\d{2})\/([a-z0-9-]{1,32})\/tc3_request, ?SignedHeaders=([a-z0-9;-]{1,512}), ?Signature=([0-9a-f]{64})$/;

/** `undefined` for anything that is not a well-formed TC3 Authorization header. */
export function parseAuthorization(value: string): ParsedAuthorization | undefined {
  const m = AUTH.exec(value.trim());
  if (!m) return undefined;
  const signedHeaders = m[4]!.split(';').filter(Boolean);
  return { secretId: m[1]!, date: m[2]!, service: m[3]!, signedHeaders, signature: m[5]! };
}

export type VerifyResult = { ok: true } | { ok: false; reason: 'scope' | 'headers' | 'signature'; message: string };

export interface VerifyInput {
  auth: ParsedAuthorization;
  secretKey: string;
  timestamp: number;
  method: string;
  path: string;
  query: string;
  /** Request headers by lower-case name. */
  headers: ReadonlyMap<string, string>;
  payload: Uint8Array;
}

/** Honours whatever SignedHeaders names (the SDK signs content-type;host; the doc adds x-tc-action). */
export function verify3(input: VerifyInput): VerifyResult {
  const { auth } = input;
  if (auth.date !== scopeDate(input.timestamp)) {
    return {
      ok: false,
      reason: 'scope',
      message: `credential scope date ${auth.date} is not the UTC date of X-TC-Timestamp (${scopeDate(input.timestamp)})`,
    };
  }
  if (!auth.signedHeaders.includes('content-type') || !auth.signedHeaders.includes('host')) {
    return { ok: false, reason: 'headers', message: 'SignedHeaders must include content-type and host' };
  }
  const headers = new Map<string, string>();
  for (const name of auth.signedHeaders) {
    const value = input.headers.get(name);
    if (value === undefined) return { ok: false, reason: 'headers', message: `signed header ${name} is absent from the request` };
    headers.set(name, name === 'x-tc-action' ? value.toLowerCase() : value);
  }
  const expected = sign3({
    secretId: auth.secretId,
    secretKey: input.secretKey,
    timestamp: input.timestamp,
    service: auth.service,
    method: input.method,
    path: input.path,
    query: input.query,
    headers,
    payload: input.payload,
  });
  const a = Buffer.from(expected.signature, 'hex');
  const b = Buffer.from(auth.signature, 'hex');
  if (a.length === b.length && timingSafeEqual(a, b)) return { ok: true };
  return { ok: false, reason: 'signature', message: `the string to sign was ${JSON.stringify(expected.stringToSign)}` };
}
