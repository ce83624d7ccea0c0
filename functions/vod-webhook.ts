// vod-webhook: POST /vod/callback/{token} — VOD's HTTP callback ("普通回调"). The secret path
// token is compared in constant time; the body is parsed against every documented event type;
// the claim is confirmed with a signed GetTaskInfo (callbacks carry no signature); duplicates are
// absorbed by the per-task marker. VOD waits 5 s at most, so the answer is quick and small.
import { logger } from '../lib/aws/log';
import { readSecret } from '../lib/aws/secrets';
import { config, requireSecret } from '../lib/config';
import { matchesAny } from '../lib/http/api-key';
import { httpError } from '../lib/http/errors';
import { httpHandler, json } from '../lib/http/handler';
import { handleVodEvent } from '../lib/pipeline';
import { parseVodCallback } from '../lib/vod/provider/callback';

requireSecret(config().callbackToken);

/** VOD task ids are tens of characters; a longer one is not VOD's (and exceeds a DynamoDB key). */
const MAX_TASK_ID = 256;
/** Caller-supplied text echoed in an answer (and its log line) is clipped. */
const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}… (${text.length} characters)` : text);

export const handler = httpHandler(
  async (event, context) => {
    const token = event.pathParameters?.token ?? '';
    if (!matchesAny(token, [await readSecret(config().callbackToken)])) throw httpError(404, 'not_found', 'no such callback');
    const raw = typeof event.body === 'string' && event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
    const parsed = parseVodCallback(config().vod.apiVersion, raw ?? '');
    if (!parsed.success) {
      // 400 lets VOD's two retries happen; the issues name the fields for the operator.
      throw httpError(400, 'invalid_event', clip(`${clip(parsed.eventType ?? 'event', 64)}: ${parsed.issues.join('; ')}`, 1000));
    }
    // No VOD event type is long: a longer one would only be logged and answered at full length.
    if (parsed.event.eventType.length > 64)
      throw httpError(400, 'invalid_event', `eventType: at most 64 characters (got ${parsed.event.eventType.length})`);
    const { vodTaskId } = parsed.event;
    if (vodTaskId !== undefined && vodTaskId.length > MAX_TASK_ID) {
      throw httpError(400, 'invalid_event', `vodTaskId: at most ${MAX_TASK_ID} characters (got ${vodTaskId.length})`);
    }
    const result = await handleVodEvent(parsed.event, 'callback', logger);
    return json(200, { ok: true, result, requestId: context.awsRequestId });
  },
  { auth: false },
);
