// HTTP callback bodies (unsigned: the task is fetched back before it is trusted), per version:
// v2 `{"version":"4.0","eventType",data}`, v3 the 3.0 EventContent without EventHandle (§4.11).
// Apart from the provider so that only vod-webhook bundles it.
import { safeParseVodEvent } from '../client';
import { describeIssues } from '../client/errors';
import { eventContent } from '../v3/schemas';
import type { CallbackParse, VodApiVersion } from './types';
import { eventViewV2 } from './v2';
import { eventViewV3 } from './v3';

function parseV2(body: unknown): CallbackParse {
  const parsed = safeParseVodEvent(body);
  return parsed.success
    ? { success: true, event: eventViewV2(parsed.event) }
    : { success: false, eventType: parsed.eventType, issues: parsed.issues };
}

export function parseVodCallback(version: VodApiVersion, body: unknown): CallbackParse {
  // The local emulator's HTTP callbacks keep the 2.0 format; they are only a hint either way,
  // so the v3 provider takes both.
  const legacy =
    typeof body === 'string'
      ? body.includes('"eventType"') && !body.includes('"EventType"')
      : !!body && typeof body === 'object' && 'eventType' in body;
  if (version === 'v2' || legacy) return parseV2(body);
  let json: unknown = body;
  if (typeof body === 'string') {
    try {
      json = JSON.parse(body);
    } catch {
      return { success: false, issues: ['the body is not JSON'] };
    }
  }
  const parsed = eventContent.safeParse(json);
  if (!parsed.success) {
    const type = (json as { EventType?: unknown })?.EventType;
    return { success: false, eventType: typeof type === 'string' ? type : undefined, issues: describeIssues(parsed.error.issues) };
  }
  return { success: true, event: eventViewV3(parsed.data) };
}
