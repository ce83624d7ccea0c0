// Per-action call quotas, as the API docs state them (reference §1.1): "最高调用频率 100次/分钟" for
// most VOD actions, 1000/min for PullEvent and ConfirmEvent, 10000/min for UploadPart. Counted per
// SecretId and action over a sliding minute; a call past the quota answers 4400 (超过配额) without
// running. On by default; `perMinute` overrides an action's quota, `defaultPerMinute` the rest,
// `false` turns the quotas off.
import * as z from 'zod';

export const DOCUMENTED_PER_MINUTE: ReadonlyMap<string, number> = new Map([
  ['PullEvent', 1000],
  ['ConfirmEvent', 1000],
  ['UploadPart', 10_000],
  ['UploadPartEx', 10_000],
]);
export const DOCUMENTED_DEFAULT_PER_MINUTE = 100;

export const rateLimitOptionsSchema = z.union([
  z.literal(false),
  z.object({
    /** Quota of every action without its own (default 100). */
    defaultPerMinute: z.number().int().positive().optional(),
    /** Per-action quotas, e.g. { GetTaskInfo: 600 }. */
    perMinute: z.record(z.string(), z.number().int().positive()).optional(),
  }),
]);
export type RateLimitOptions = z.input<typeof rateLimitOptionsSchema>;

const WINDOW_MS = 60_000;

export class RateLimiter {
  private readonly quotas: Map<string, number>;
  private readonly defaultQuota: number;
  private readonly off: boolean;
  /** "secretId\naction" → call times (ms) in the last minute, oldest first. */
  private readonly calls = new Map<string, number[]>();
  private lastSweep = 0;

  constructor(options: RateLimitOptions = {}) {
    const o = rateLimitOptionsSchema.parse(options);
    this.off = o === false;
    this.quotas = new Map(DOCUMENTED_PER_MINUTE);
    for (const [action, n] of Object.entries(o === false ? {} : (o.perMinute ?? {}))) this.quotas.set(action, n);
    this.defaultQuota = (o !== false && o.defaultPerMinute) || DOCUMENTED_DEFAULT_PER_MINUTE;
  }

  quotaOf(action: string): number {
    return this.quotas.get(action) ?? this.defaultQuota;
  }

  /** Counts the call; the quota it exceeded, or undefined when it may run. */
  take(secretId: string, action: string, now = Date.now()): number | undefined {
    if (this.off) return undefined;
    this.sweep(now);
    const key = `${secretId}\n${action}`;
    let times = this.calls.get(key);
    if (!times) this.calls.set(key, (times = []));
    while (times.length && times[0]! <= now - WINDOW_MS) times.shift();
    const quota = this.quotaOf(action);
    if (times.length >= quota) return quota;
    times.push(now);
    return undefined;
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < WINDOW_MS) return;
    this.lastSweep = now;
    for (const [key, times] of this.calls) if (!times.length || times.at(-1)! <= now - WINDOW_MS) this.calls.delete(key);
  }
}
