// One API call from the wire to the envelope: parse (strictly), inject faults, authenticate,
// dispatch, and answer `{code, message, codeDesc, …}` with HTTP 200 — whatever happens inside.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FlatParams } from '../lib/vod/params';
import { CLIENT_UPLOAD_ACTIONS, GENERAL_ACTIONS, UPLOAD_ACTIONS } from './actions';
import { Args } from './actions/args';
import type { ActionHandler } from './actions/types';
import type { EmulatorContext } from './context';
import { answeredByFault } from './fault-answer';
import { readBody, sendJson, sendPreflight } from './http-io';
import { PART_BODY } from './uploads/part-buffers';
import { ApiError, authenticate, envelope } from './protocol';
import type { ReplayGuard } from './replay';
import type { Stats } from './stats';
import { parseParamString, WireError } from './wire';

export type ApiRoute = 'general' | 'upload';

/** `/v2/interface.php` appears in the seed's example request. */
export const API_PATHS: ReadonlyMap<string, ApiRoute> = new Map([
  ['/v2/index.php', 'general'],
  ['/v2/interface.php', 'general'],
  ['/v3/index.php', 'upload'],
]);

const VISIBLE_ASCII = /^[\x21-\x7e]*$/;

/**
 * The data-upload host answers with its own codes (reference §3.4): -10001 "检查公共参数出错" for
 * a missing or malformed common parameter (Timestamp outside the window included), -10002
 * "检查签名出错" for a bad signature, unknown SecretId or replayed Nonce; canRetry 0, since
 * resending the same request cannot fix any of them. Which of the two the live host used for a
 * stale Timestamp or a replay is not documented (UNCONFIRMED): these follow the doc's wording.
 */
function uploadHostAuth<T>(check: () => T): T {
  try {
    return check();
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    const stale = err.code === 4500 && err.message.startsWith('Timestamp');
    throw new ApiError(err.code === 4000 || stale ? -10001 : -10002, err.message, { canRetry: 0 });
  }
}

export async function handleApi(
  ctx: EmulatorContext,
  replay: ReplayGuard,
  stats: Stats,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  rawQuery: string,
): Promise<void> {
  const route = API_PATHS.get(path)!;
  const method = req.method ?? 'GET';
  if (method === 'OPTIONS') return sendPreflight(req, res);
  const { limits } = ctx.settings;
  let action: string | undefined;
  let uploadHost = false;
  const answer = (body: Record<string, unknown>, close = false) => {
    const code = typeof body.code === 'number' ? body.code : 0;
    stats.answered(action, code);
    sendJson(res, 200, body, close);
  };
  const fail = (code: number, message: string, extra: Record<string, unknown> = {}, close = false) =>
    answer(envelope(code, message, { ...(uploadHost ? { canRetry: 0 } : {}), ...extra }), close);

  // The query decides whether this is a data-upload call (params in the query, bytes as body).
  let query: FlatParams = {};
  let queryError: string | undefined;
  if (rawQuery.length > limits.maxQueryBytes) queryError = `the query string is longer than ${limits.maxQueryBytes} bytes`;
  else if (!VISIBLE_ASCII.test(rawQuery)) queryError = 'the query string must be percent-encoded ASCII';
  else {
    try {
      query = parseParamString(rawQuery, limits);
    } catch (err) {
      if (!(err instanceof WireError)) throw err;
      queryError = err.message;
    }
  }
  const queryAction = query.Action;
  uploadHost = queryAction !== undefined && (UPLOAD_ACTIONS.has(queryAction) || CLIENT_UPLOAD_ACTIONS.has(queryAction));
  // A part's bytes go straight into a reused buffer (uploads/part-buffers.ts).
  const body = await readBody(req, uploadHost ? limits.maxPartBytes : limits.maxBodyBytes, uploadHost ? PART_BODY : undefined);
  if (body.aborted) return;
  if (body.tooLarge)
    return fail(
      uploadHost ? -10006 : 4000,
      `the request body is larger than ${uploadHost ? limits.maxPartBytes : limits.maxBodyBytes} bytes`,
      {},
      true,
    );
  if (method !== 'GET' && method !== 'POST') return fail(4000, `method ${method} is not supported: use GET or POST`);

  let params: FlatParams;
  try {
    if (method === 'GET' || uploadHost) {
      if (queryError) throw new WireError(queryError);
      params = query;
    } else {
      // POST: the body holds every parameter; the query string is ignored (reference §1.1).
      const type = String(req.headers['content-type'] ?? 'application/x-www-form-urlencoded').toLowerCase();
      const json = type.startsWith('application/json');
      if (!type.startsWith('application/x-www-form-urlencoded') && !json)
        throw new WireError(`POST bodies must be application/x-www-form-urlencoded, not ${type}`);
      let text: string;
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(body.bytes).trim();
      } catch {
        throw new WireError('the body is not valid UTF-8');
      }
      // @tencent-sdk/capi 2.x in API 2.0 mode posts the form with `Content-Type: application/json`
      // (got's `form` keeps the header it was given); the live service read the form regardless.
      if (json && /^[[{"]/.test(text)) throw new WireError('API 2.0 takes the parameters as a form (name=value&…), not a JSON document');
      params = parseParamString(text, limits);
    }
  } catch (err) {
    if (!(err instanceof WireError)) throw err;
    return fail(uploadHost ? -10001 : 4000, err.message);
  }
  action = params.Action;

  const decision = ctx.faults.decide(action);
  const unavailable = { code: 6200, message: 'injected fault: service unavailable', codeDesc: 'ServiceUnavailable' };
  if (await answeredByFault(decision, { req, res, stats, action, unavailable })) return;
  if (decision.fault === 'error6000') return fail(6000, 'injected fault: internal error');
  if (decision.fault === 'limitExceeded') return fail(4400, 'injected fault: quota exceeded', uploadHost ? { canRetry: 1 } : {});
  if (decision.fault === 'expired') return fail(4200, 'injected fault: request expired');

  // Only a client that left before the answer aborts the action; aborting after every normal
  // answer would build a DOMException per request, a tenth of the server's CPU under load. The
  // controller itself is made only for an action that reads its signal (PullEvent's long poll):
  // one per request was 5 % of the server's CPU on DescribeClass.
  let abort: AbortController | undefined;
  let clientLeft = false;
  res.on('close', () => {
    if (res.writableFinished) return;
    clientLeft = true;
    abort?.abort();
  });
  const signal = (): AbortSignal => {
    abort ??= new AbortController();
    if (clientLeft) abort.abort();
    return abort.signal;
  };
  try {
    if (!action) throw new ApiError(4000, 'missing common parameter Action');
    const client = CLIENT_UPLOAD_ACTIONS.get(action);
    let result: Record<string, unknown>;
    if (client) {
      result = await client({ ctx, params, body: body.bytes });
    } else {
      const account = uploadHost
        ? uploadHostAuth(() => authenticate({ method, host: req.headers.host, path, params, acceptMillis: true }, ctx.accounts, replay))
        : authenticate({ method, host: req.headers.host, path, params, acceptMillis: false }, ctx.accounts, replay);
      const handler: ActionHandler | undefined =
        UPLOAD_ACTIONS.get(action) ?? (route === 'general' ? GENERAL_ACTIONS.get(action) : undefined);
      if (!handler)
        throw new ApiError(6100, `action ${action} is not supported ${route === 'upload' ? 'on the data-upload API' : 'by this API'}`);
      const quota = ctx.rateLimits.take(account.secretId, action);
      // Retrying after the minute slides fixes it: canRetry 1 on the upload host.
      if (quota !== undefined)
        throw new ApiError(
          4400,
          `${action} is limited to ${quota} calls per minute per SecretId: slow down and retry`,
          uploadHost ? { canRetry: 1 } : {},
        );
      if (uploadHost && method === 'GET' && action === 'UploadPart')
        throw new ApiError(-10003, 'UploadPart is POST only: the body is the part');
      const args = uploadHost ? new Args(params, -10003, { canRetry: 0 }) : new Args(params);
      result = await handler({
        ctx,
        account,
        args,
        body: body.bytes,
        get signal() {
          return signal();
        },
      });
    }
    if (decision.fault === 'dropAfter') {
      stats.dropped++;
      req.socket.destroy();
      return;
    }
    answer(envelope(0, '', result));
  } catch (err) {
    if (err instanceof ApiError) return fail(err.code, err.message, err.extra);
    ctx.log('error', `internal error in ${action ?? 'a request'}`, { error: String((err as Error)?.stack ?? err) });
    return fail(6000, 'internal error; see the emulator log');
  }
}
