// HTTP subscribers of the downstream events. EVENT_SUBSCRIBERS is either a comma-separated list
// of URLs (all signed with EVENT_SIGNING_SECRET) or a JSON array of entries, each with its own
// secret — inline (`secret`, local use) or an SSM parameter name (`secretParam`) — and an optional
// filter of event types. The URL is a subscriber's identity: its outbox step and retry chain.
import { createHash } from 'node:crypto';
import * as z from 'zod';
import { EVENT_TYPES, type DownstreamEvent } from './contracts';

const eventType = z.enum([EVENT_TYPES.ready, EVENT_TYPES.failed]);

export const subscriberEntry = z
  .object({
    url: z.url({ protocol: /^https?$/ }),
    secret: z.string().trim().min(1).optional(),
    secretParam: z.string().trim().min(1).optional(),
    types: z.array(eventType).min(1).optional(),
  })
  .strict()
  .refine((s) => !(s.secret && s.secretParam), { message: 'give secret or secretParam, not both' });

export type Subscriber = z.infer<typeof subscriberEntry>;

/** The EVENT_SUBSCRIBERS value: a URL list or a JSON array of entries; URLs must be unique. */
export const subscribersSetting = z
  .string()
  .transform((s, ctx): unknown => {
    const text = s.trim();
    if (!text.startsWith('['))
      return text
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean)
        .map((url) => ({ url }));
    try {
      return JSON.parse(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'expected comma-separated URLs or a JSON array of {url, secret|secretParam, types}' });
      return z.NEVER;
    }
  })
  .pipe(z.array(subscriberEntry))
  .refine((list) => new Set(list.map((s) => s.url)).size === list.length, { message: 'a subscriber URL appears twice' });

/** Whether the subscriber takes this event (no filter: every type). */
export const wants = (subscriber: Subscriber, event: Pick<DownstreamEvent, 'type'>): boolean =>
  !subscriber.types || subscriber.types.includes(event.type);

/** A short, stable id of a subscriber URL (no dots: usable in step names). */
export const subscriberId = (url: string): string => createHash('sha256').update(url).digest('hex').slice(0, 16);

/** The subscribers of a raw EVENT_SUBSCRIBERS value (empty when unset); throws a ZodError when malformed. */
export const parseSubscribers = (value: string | undefined): Subscriber[] => (value?.trim() ? subscribersSetting.parse(value) : []);
