// HTTP callback bodies (unsigned: the task is fetched back before it is trusted), per version:
// v2 `{"version":"4.0","eventType",data}`, v3 the 3.0 EventContent without EventHandle (§4.11).
import type { CallbackParse, VodApiVersion } from './types';
import { parseEventV2 } from './v2';
import { parseEventV3 } from './v3';

export function parseVodCallback(version: VodApiVersion, body: unknown): CallbackParse {
  // The local emulator's HTTP callbacks keep the 2.0 format; they are only a hint either way,
  // so the v3 provider takes both.
  const legacy =
    typeof body === 'string'
      ? body.includes('"eventType"') && !body.includes('"EventType"')
      : !!body && typeof body === 'object' && 'eventType' in body;
  if (version === 'v2' || legacy) return parseEventV2(body);
  let json: unknown = body;
  if (typeof body === 'string') {
    try {
      json = JSON.parse(body);
    } catch {
      return { success: false, issues: ['the body is not JSON'] };
    }
  }
  return parseEventV3(json);
}
