// API 2.0 request signature ("signature v1"), reference §2: sort params by name (byte order),
// `_` in names becomes `.`, raw values, `METHOD + host + path + '?' + params`, HMAC, Base64.
import { randomInt, timingSafeEqual } from 'node:crypto';
import { hmacBase64 as hmacDigestBase64, hmacBytes, type HmacDigest } from './hmac';
import { flattenParams, type FlatParams, type ParamValue } from './params';

export type SignatureMethod = 'HmacSHA1' | 'HmacSHA256';
export type HttpMethod = 'GET' | 'POST';

export interface Credentials {
  secretId: string;
  secretKey: string;
  /** Temporary-credential token, sent as the common parameter `Token`. */
  token?: string;
}

/** The name as it appears in the string to sign: every `_` becomes `.`. */
export const signedName = (name: string): string => (name.includes('_') ? name.replaceAll('_', '.') : name);

/**
 * UTF-8 byte order without allocating: UTF-16 code units sort the same way except where a
 * surrogate meets U+E000…U+FFFF, and only that rare case pays for a byte comparison.
 */
const WIDE = /[\uD800-\uFFFF]/;
function byBytes(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x < 0xd800 && y < 0xd800) return x - y;
    return Buffer.compare(Buffer.from(a.slice(i)), Buffer.from(b.slice(i)));
  }
  return a.length - b.length;
}

/**
 * `name=value&…` sorted by name in byte order, then `_` turned into `.`, values raw (not URL-encoded).
 * Sorting the names as sent, before the `_` rewrite, is what Tencent's Node, PHP and CLI SDKs do.
 * `Signature` itself is left out.
 */
export function canonicalParams(params: FlatParams, rename: (name: string) => string = signedName): string {
  const { order, signedPieces } = layoutOf(params);
  let out = '';
  if (rename === signedName) {
    for (let i = 0; i < order.length; i++) out += signedPieces[i]! + params[order[i]!];
    return out;
  }
  for (let i = 0; i < order.length; i++) out += `${i ? '&' : ''}${rename(order[i]!)}=${params[order[i]!]}`;
  return out;
}

/** The names of one parameter set in signing order (Signature left out), as signed and as sent. */
interface Layout {
  keys: string[];
  order: string[];
  signed: string[];
  encoded: string[];
  /** `name=` as signed, `&` first from the second on: one concatenation per value. */
  signedPieces: string[];
  /** Every name reads the same signed and encoded (no `_`, nothing to escape): the common case. */
  plainNames: boolean;
}

// A client sends the same names call after call (one shape per action), so the sort and the
// name encoding are paid once per shape: a few recent layouts are kept, matched by their keys.
const layouts: Layout[] = [];
const MAX_LAYOUTS = 16;

function sameKeys(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function layoutOf(params: FlatParams): Layout {
  const keys = Object.keys(params);
  for (const layout of layouts) if (sameKeys(layout.keys, keys)) return layout;
  const order = keys.filter((name) => name !== 'Signature');
  // Plain code-unit order is byte order unless a name holds a surrogate or U+E000…U+FFFF.
  if (order.some((name) => WIDE.test(name))) order.sort(byBytes);
  else order.sort();
  const signed = order.map(signedName);
  const encoded = order.map(encodeValue);
  const signedPieces = signed.map((name, i) => `${i ? '&' : ''}${name}=`);
  const layout = { keys, order, signed, encoded, signedPieces, plainNames: signed.every((name, i) => name === encoded[i]) };
  if (layouts.length >= MAX_LAYOUTS) layouts.pop();
  layouts.unshift(layout);
  return layout;
}

export function stringToSign(method: string, host: string, path: string, params: FlatParams): string {
  return `${method.toUpperCase()}${host}${path}?${canonicalParams(params)}`;
}

/** HmacSHA256 only when the request says so; anything else is HmacSHA1, as documented. */
export const signatureMethodOf = (params: FlatParams): SignatureMethod =>
  params.SignatureMethod === 'HmacSHA256' ? 'HmacSHA256' : 'HmacSHA1';

export function hmacBase64(source: string, secretKey: string, method: SignatureMethod): string {
  return hmacDigestBase64(source, secretKey, digestOf(method));
}

const digestOf = (method: SignatureMethod): HmacDigest => (method === 'HmacSHA256' ? 'sha256' : 'sha1');

export interface SignInput {
  method: string;
  /** host[:port] exactly as sent in the Host header. */
  host: string;
  path: string;
  params: FlatParams;
  secretKey: string;
}

export function sign({ method, host, path, params, secretKey }: SignInput): string {
  return hmacBase64(stringToSign(method, host, path, params), secretKey, signatureMethodOf(params));
}

/**
 * Sign and encode in one pass over the sorted names. When names and values need no escaping
 * (the usual request: ASCII ids, numbers, enum words), the wire form is the string to sign after
 * its `METHOD host path ?` prefix, so it is that query itself; only a request with a value to
 * escape builds the wire form separately.
 */
export function signEncoded({ method, host, path, params, secretKey }: SignInput): { signature: string; encoded: string } {
  const layout = layoutOf(params);
  const { order, signedPieces } = layout;
  let query = '';
  let plain = layout.plainNames;
  for (let i = 0; i < order.length; i++) {
    const value = params[order[i]!]!;
    if (plain && !isUnreserved(value)) plain = false;
    query += signedPieces[i]! + value;
  }
  const signature = hmacBase64(prefixOf(method, host, path) + query, secretKey, signatureMethodOf(params));
  const encoded = plain ? query : encodeLayout(layout, params);
  return { signature, encoded: `${encoded}${encoded ? '&' : ''}Signature=${encodeBase64(signature)}` };
}

// A client signs for one endpoint and method call after call: its `METHOD host path ?` is kept.
let lastPrefix = { method: '', host: '', path: '', prefix: '' };
function prefixOf(method: string, host: string, path: string): string {
  const last = lastPrefix;
  if (last.method === method && last.host === host && last.path === path) return last.prefix;
  lastPrefix = { method, host, path, prefix: `${method.toUpperCase()}${host}${path}?` };
  return lastPrefix.prefix;
}

// Base64 is well-formed ASCII without any of !'()*: encodeURIComponent alone gives RFC 3986.
const encodeBase64 = (value: string): string => encodeURIComponent(value);

function encodeLayout({ order, encoded: names }: Layout, params: FlatParams): string {
  let out = '';
  for (let i = 0; i < order.length; i++) out += `${i ? '&' : ''}${names[i]}=${encodeValue(params[order[i]!]!)}`;
  return out;
}

// RFC 3986 unreserved characters (A–Z a–z 0–9 - . _ ~), tested by char code: cheaper than a regex
// on the short values of a request.
const UNRESERVED_CODES = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~') UNRESERVED_CODES[c.charCodeAt(0)] = 1;
function isUnreserved(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c > 127 || UNRESERVED_CODES[c] === 0) return false;
  }
  return true;
}

/**
 * RFC 3986 encoding: decodes to the same value whether the server reads `+` as space or not.
 * Lone surrogates become U+FFFD, as they do in the UTF-8 bytes that are signed.
 */
export function encodeValue(value: string): string {
  if (isUnreserved(value)) return value;
  const encoded = encodeURIComponent(value.isWellFormed() ? value : value.toWellFormed());
  return RESERVED.test(encoded) ? encoded.replace(RESERVED_ALL, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`) : encoded;
}
const RESERVED = /[!'()*]/;
const RESERVED_ALL = /[!'()*]/g;

export function encodeParams(params: FlatParams): string {
  let out = '';
  for (const name in params) out += `${out ? '&' : ''}${encodeValue(name)}=${encodeValue(params[name]!)}`;
  return out;
}

export interface SignRequestInput {
  /** Full URL of the API, e.g. https://vod.api.qcloud.com/v2/index.php */
  endpoint: string | URL;
  action: string;
  params?: Record<string, ParamValue>;
  credentials: Credentials;
  method?: HttpMethod;
  region?: string;
  signatureMethod?: SignatureMethod;
  /** Data-upload API: POST with every parameter in the query string and the chunk as body. */
  paramsInQuery?: boolean;
  timestamp?: number;
  nonce?: number;
}

export interface SignedRequest {
  url: string;
  method: HttpMethod;
  /** Form body for POST requests of the general API; undefined otherwise. */
  body?: string;
  headers: Record<string, string>;
  /** Every parameter sent, Signature included. */
  params: FlatParams;
}

/** Build a complete signed request with fresh common parameters (Timestamp, Nonce). */
export function signRequest(input: SignRequestInput): SignedRequest {
  const method = input.method ?? 'GET';
  const url = new URL(input.endpoint);
  const params: FlatParams = {
    ...flattenParams(input.params ?? {}),
    Action: input.action,
    Region: input.region ?? 'gz',
    Timestamp: String(input.timestamp ?? Math.floor(Date.now() / 1000)),
    Nonce: String(input.nonce ?? randomInt(1, 2 ** 47)),
    SecretId: input.credentials.secretId,
  };
  if (input.signatureMethod) params.SignatureMethod = input.signatureMethod;
  if (input.credentials.token) params.Token = input.credentials.token;
  const { signature, encoded } = signEncoded({
    method,
    host: url.host,
    path: url.pathname,
    params,
    secretKey: input.credentials.secretKey,
  });
  params.Signature = signature;
  const base = `${url.origin}${url.pathname}`;
  if (method === 'GET' || input.paramsInQuery) {
    return { url: `${base}?${encoded}`, method, headers: {}, params };
  }
  return {
    url: base,
    method,
    body: encoded,
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    params,
  };
}

export type VerifyRule = 'missing-signature' | 'bad-signature-encoding' | 'signature-mismatch';

export type VerifyResult = { ok: true; signatureMethod: SignatureMethod } | { ok: false; rule: VerifyRule; message: string; hint?: string };

const constantTimeEqual = (a: Buffer, b: Buffer): boolean => a.length === b.length && timingSafeEqual(a, b);

/**
 * Server side: recompute and compare in constant time. On a mismatch, look for the usual client
 * mistakes (wrong host or port, encoded values, `_` kept, another algorithm, another method) so the
 * caller can say which rule the client broke. That search runs only on the failure path.
 */
export function verify(input: SignInput): VerifyResult {
  const given = input.params.Signature;
  if (!given) return { ok: false, rule: 'missing-signature', message: 'the Signature parameter is missing' };
  const givenBytes = Buffer.from(given, 'base64');
  if (givenBytes.length === 0 || givenBytes.toString('base64') !== given) {
    return { ok: false, rule: 'bad-signature-encoding', message: 'Signature is not Base64' };
  }
  const signatureMethod = signatureMethodOf(input.params);
  // The raw digest, compared with the decoded Signature: no Base64 round trip on the hot path.
  const expected = hmacBytes(stringToSign(input.method, input.host, input.path, input.params), input.secretKey, digestOf(signatureMethod));
  if (constantTimeEqual(givenBytes, expected)) return { ok: true, signatureMethod };
  return {
    ok: false,
    rule: 'signature-mismatch',
    message: `the ${signatureMethod} signature does not match the request`,
    hint: diagnose(input, givenBytes),
  };
}

function diagnose(input: SignInput, given: Buffer): string | undefined {
  const { method, host, path, params, secretKey } = input;
  const matches = (source: string, alg: SignatureMethod = signatureMethodOf(params)) =>
    constantTimeEqual(given, Buffer.from(hmacBase64(source, secretKey, alg), 'base64'));
  const hostname = host.replace(/:\d+$/, '');
  if (hostname !== host && matches(stringToSign(method, hostname, path, params))) {
    return `signed for host ${hostname} but sent to ${host}: sign the Host header as sent, port included`;
  }
  for (const otherMethod of ['GET', 'POST']) {
    if (otherMethod !== method.toUpperCase() && matches(stringToSign(otherMethod, host, path, params))) {
      return `signed as ${otherMethod} but sent as ${method.toUpperCase()}`;
    }
  }
  const other: SignatureMethod = signatureMethodOf(params) === 'HmacSHA1' ? 'HmacSHA256' : 'HmacSHA1';
  if (matches(stringToSign(method, host, path, params), other)) {
    return `signed with ${other}; send SignatureMethod=${other} so the server uses it`;
  }
  const encoded = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, encodeValue(v)]));
  if (matches(stringToSign(method, host, path, encoded))) return 'values were URL-encoded in the string to sign; sign raw values';
  const keptUnderscores = `${method.toUpperCase()}${host}${path}?${canonicalParams(params, (name) => name)}`;
  if (matches(keptUnderscores)) return "parameter names kept '_'; turn '_' into '.' in the string to sign";
  return undefined;
}
