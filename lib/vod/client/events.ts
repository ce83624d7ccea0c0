// Parsing of VOD event bodies (HTTP callback body or PullEvent eventContent). Schemas live in
// schemas/events.ts; this is the entry the webhook and the event puller use.
import { describeIssues } from './errors';
import { anyVodEventSchema, isVodEventType, vodEventSchemas, type AnyVodEvent } from './schemas/events';

export * from './schemas/events';

export type ParseVodEventResult = { success: true; event: AnyVodEvent } | { success: false; eventType?: string; issues: string[] };

/** Never throws: a body that is not JSON or not an event comes back as `success: false`. */
export function safeParseVodEvent(body: unknown): ParseVodEventResult {
  let value = body;
  if (typeof body === 'string' || body instanceof Uint8Array) {
    try {
      value = JSON.parse(typeof body === 'string' ? body : Buffer.from(body).toString('utf8'));
    } catch {
      return { success: false, issues: ['body is not JSON'] };
    }
  }
  const parsed = anyVodEventSchema.safeParse(value);
  if (parsed.success) return { success: true, event: parsed.data };
  const eventType = (value as { eventType?: unknown } | null)?.eventType;
  // For a known type, report the issues of its own schema, not the union's.
  const own = isVodEventType(eventType) ? vodEventSchemas[eventType].safeParse(value) : undefined;
  return {
    success: false,
    eventType: typeof eventType === 'string' ? eventType : undefined,
    issues: describeIssues(own && !own.success ? own.error.issues : parsed.error.issues),
  };
}

export class VodEventError extends Error {
  override readonly name = 'VodEventError';
  constructor(
    readonly eventType: string | undefined,
    readonly issues: string[],
  ) {
    super(`invalid VOD event${eventType ? ` ${eventType}` : ''}: ${issues.join('; ')}`);
  }
}

/** Throwing variant of safeParseVodEvent. Unknown event types are returned, untyped. */
export function parseVodEvent(body: unknown): AnyVodEvent {
  const result = safeParseVodEvent(body);
  if (!result.success) throw new VodEventError(result.eventType, result.issues);
  return result.event;
}

export { isVodEventType };
