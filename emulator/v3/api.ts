// One API 3.0 call (vod-v3-api.md §1-3): `POST /` with a JSON body and X-TC-* headers, the TC3
// Authorization checked over whatever SignedHeaders names, the 5-minute timestamp window, then
// `{"Response":{…,"RequestId"}}` — errors as `Response.Error{Code,Message}` with HTTP 200, which
// is what Tencent's SDK expects (§3.2). GET with query parameters is refused (UnsupportedProtocol
// would be wrong: the SDK can send it; vodflow and the SDK default both POST).
import { answeredByFault } from '../fault-answer';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseAuthorization, verify3 } from '../../lib/vod/v3/sign';
import type { EmulatorContext } from '../context';
import { readBody, sendJson } from '../http-io';
import type { ReplayGuard } from '../replay';
import type { Stats } from '../stats';
import { V3_ACTIONS } from './actions';
import type { Body } from './args';
import { V3Error } from './codes';

/** API 3.0's timestamp window (reference/vod-v3-api.md §2.3). */
const V3_WINDOW_S = 300;

export const V3_VERSION = '2018-07-17';

/** A request for the 3.0 surface: TC3 Authorization on the root path. */
export const isV3Request = (req: IncomingMessage, path: string): boolean =>
  path === '/' && String(req.headers.authorization ?? '').startsWith('TC3-HMAC-SHA256');

const header = (req: IncomingMessage, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

export async function handleV3(
  ctx: EmulatorContext,
  replay: ReplayGuard,
  stats: Stats,
  req: IncomingMessage,
  res: ServerResponse,
  rawQuery: string,
): Promise<void> {
  const requestId = randomUUID();
  const action = header(req, 'x-tc-action');
  const answer = (body: Body, status = 200, close = false) => sendJson(res, status, { Response: { ...body, RequestId: requestId } }, close);
  const fail = (code: string, message: string, close = false) => {
    stats.answered(action, 1);
    answer({ Error: { Code: code, Message: message } }, 200, close);
  };
  const body = await readBody(req, 10 * 1024 * 1024);
  if (body.aborted) return;
  if (body.tooLarge) return fail('RequestSizeLimitExceeded', 'the request body is larger than 10 MB', true);
  try {
    if (req.method !== 'POST')
      throw new V3Error('UnsupportedProtocol', `method ${req.method}: this emulator takes API 3.0 calls as POST with a JSON body`);
    if (rawQuery) throw new V3Error('InvalidParameter', 'POST API 3.0 calls carry their parameters in the JSON body, not the query string');
    const type = header(req, 'content-type') ?? '';
    if (!type.toLowerCase().startsWith('application/json'))
      throw new V3Error('InvalidParameter', `Content-Type must be application/json with TC3 signing, not ${type || 'absent'}`);
    if (!action) throw new V3Error('MissingParameter', 'missing header X-TC-Action');
    const version = header(req, 'x-tc-version');
    if (!version) throw new V3Error('MissingParameter', 'missing header X-TC-Version');
    if (version !== V3_VERSION) throw new V3Error('NoSuchVersion', `version ${version} is not emulated: use ${V3_VERSION}`);
    const rawTs = header(req, 'x-tc-timestamp') ?? '';
    if (!/^\d{1,12}$/.test(rawTs)) throw new V3Error('MissingParameter', 'X-TC-Timestamp must be UNIX seconds');
    const timestamp = Number(rawTs);
    const auth = parseAuthorization(header(req, 'authorization') ?? '');
    if (!auth)
      throw new V3Error(
        'AuthFailure.InvalidAuthorization',
        'Authorization is not "TC3-HMAC-SHA256 Credential=<id>/<date>/<service>/tc3_request, SignedHeaders=<h;…>, Signature=<hex>"',
      );
    const account = ctx.accounts.get(auth.secretId);
    if (!account)
      throw new V3Error('AuthFailure.SecretIdNotFound', 'The SecretId is not found, please ensure that your SecretId is correct.');
    // The documented replay protection of 3.0 is the timestamp window (§2.3): 5 minutes, whatever
    // API 2.0's own (wider) window is; no nonce exists.
    const windowS = Math.min(replay.windowSeconds, V3_WINDOW_S);
    if (Math.abs(Date.now() / 1000 - timestamp) > windowS)
      throw new V3Error(
        'AuthFailure.SignatureExpire',
        `X-TC-Timestamp ${timestamp} is more than ${windowS} s from server time ${Math.floor(Date.now() / 1000)}`,
      );
    const headers = new Map<string, string>();
    for (const name of auth.signedHeaders) {
      const v = header(req, name);
      if (v !== undefined) headers.set(name, v);
    }
    const verifyWith = (h: Map<string, string>) =>
      verify3({ auth, secretKey: account.secretKey, timestamp, method: 'POST', path: '/', query: '', headers: h, payload: body.bytes });
    // Tencent's SDK signs the URL's hostname but sends Host with the port (sdk-common sign.js,
    // http_connection.js): try the hostname first, then the header exactly as sent.
    const rawHost = headers.get('host');
    const hostname = rawHost?.replace(/:\d+$/, '');
    let checked = verifyWith(hostname !== undefined ? new Map([...headers, ['host', hostname]]) : headers);
    if (!checked.ok && hostname !== rawHost) checked = verifyWith(headers);
    if (!checked.ok) {
      throw new V3Error(
        'AuthFailure.SignatureFailure',
        `The provided credentials could not be validated (${checked.reason}): ${checked.message}`,
      );
    }
    const handler = V3_ACTIONS.get(action);
    if (!handler) throw new V3Error('InvalidAction', `action ${action} is not emulated for ${V3_VERSION}`);
    let parsed: unknown;
    try {
      parsed = body.bytes.length ? JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body.bytes)) : {};
    } catch {
      throw new V3Error('InvalidParameter', 'the body is not UTF-8 JSON');
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new V3Error('InvalidParameter', 'the body must be a JSON object');
    const body3 = parsed as Body;
    const subAppId = Object.hasOwn(body3, 'SubAppId') ? body3.SubAppId : undefined;
    if (subAppId !== undefined && subAppId !== account.appId)
      throw new V3Error(
        'InvalidParameterValue.SubAppId',
        `SubAppId ${String(subAppId)} is not an application of this key (${account.appId})`,
      );

    const decision = ctx.faults.decide(action);
    const unavailable = { Response: { Error: { Code: 'ServiceUnavailable', Message: 'injected fault' }, RequestId: requestId } };
    if (await answeredByFault(decision, { req, res, stats, action, unavailable })) return;
    if (decision.fault === 'error6000') throw new V3Error('InternalError', 'injected fault: internal error');
    // API 3.0's words for the 2.0 faults 4400 (quota) and 4200 (stale request).
    if (decision.fault === 'limitExceeded') throw new V3Error('RequestLimitExceeded', 'injected fault: request rate limit exceeded');
    if (decision.fault === 'expired') throw new V3Error('AuthFailure.SignatureExpire', 'injected fault: the signature has expired');

    const abort = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    const result = await handler({ ctx, account, body: body.bytes, signal: abort.signal, body3, region: header(req, 'x-tc-region') });
    if (decision.fault === 'dropAfter') {
      stats.dropped++;
      req.socket.destroy();
      return;
    }
    stats.answered(action, 0);
    answer(result);
  } catch (err) {
    if (err instanceof V3Error) return fail(err.code, err.message);
    ctx.log('error', `internal error in v3 ${action ?? 'request'}`, { error: String((err as Error)?.stack ?? err) });
    return fail('InternalError', 'internal error; see the emulator log');
  }
}
