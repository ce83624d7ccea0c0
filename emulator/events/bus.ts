// Where an event goes (reference §4.7.1): the account's callback mode decides between an HTTP
// callback (POST JSON, 5 s timeout, 2 retries) and the reliable queue; a request's notifyUrl
// also gets the event by HTTP. Deliveries never block or fail the task that produced them.
import { postJson } from '../outbound';
import type { AccountBook } from '../accounts';
import type { EmulatorSettings, Logger } from '../context';
import { render } from '../urls';
import type { EventQueue } from './queue';

export type EventType =
  | 'NewFileUpload'
  | 'PullComplete'
  | 'TranscodeComplete'
  | 'ConcatComplete'
  | 'ClipComplete'
  | 'CreateImageSpriteComplete'
  | 'CreateSnapshotByTimeOffsetComplete'
  | 'FileDeleted'
  | 'ProcedureStateChanged';

export class EventBus {
  private readonly inflight = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  delivered = 0;
  failedDeliveries = 0;

  constructor(
    private readonly accounts: AccountBook,
    readonly queue: EventQueue,
    private readonly settings: EmulatorSettings,
    private readonly baseUrl: () => string,
    private readonly log: Logger,
  ) {}

  /** `data` may hold stored URLs; they are rendered with the current base URL. */
  emit(appId: number, eventType: EventType, data: Record<string, unknown>, notifyUrl?: string): void {
    // Queued events keep stored URLs (rendered when pulled); callbacks are rendered now.
    const content = { version: '4.0', eventType, data };
    const account = this.accounts.ofApp(appId);
    const mode = account?.callbackMode ?? 'none';
    if (mode === 'reliable') this.queue.push(appId, content);
    const rendered = render(content, this.baseUrl());
    if (mode === 'http' && account?.callbackUrl) this.post(account.callbackUrl, rendered, true);
    // A notifyUrl is caller-supplied: it goes through the private-address guard.
    if (notifyUrl) this.post(notifyUrl, rendered, false);
  }

  private post(url: string, content: Record<string, unknown>, trusted: boolean): void {
    const { callbackTimeoutMs, callbackRetries, callbackRetryDelayMs, allowPrivatePullHosts } = this.settings;
    const run = async () => {
      for (let attempt = 0; attempt <= callbackRetries; attempt++) {
        if (this.abort.signal.aborted) return;
        try {
          const status = await postJson(url, content, {
            timeoutMs: callbackTimeoutMs,
            allowPrivate: trusted || allowPrivatePullHosts,
            signal: this.abort.signal,
          });
          // VOD ignores the answer's status and body: any HTTP answer counts as delivered.
          this.delivered++;
          if (status >= 400) this.log('warn', `callback ${redacted(url)} answered HTTP ${status}`);
          return;
        } catch (err) {
          this.log('warn', `callback ${redacted(url)} failed (attempt ${attempt + 1}): ${(err as Error).message}`);
          if (attempt < callbackRetries) await new Promise((r) => setTimeout(r, callbackRetryDelayMs));
        }
      }
      this.failedDeliveries++;
    };
    const p = run().finally(() => this.inflight.delete(p));
    this.inflight.add(p);
  }

  async close(graceMs = 1000): Promise<void> {
    this.queue.wakeAll();
    // Let deliveries already on the wire finish briefly, then cut them.
    await Promise.race([Promise.allSettled([...this.inflight]), new Promise((r) => setTimeout(r, graceMs))]);
    this.abort.abort();
    await Promise.allSettled([...this.inflight]);
  }
}

/**
 * A callback URL as logged: its query and any long path segment (a secret token such as the
 * webhook's /vod/callback/{token}) left out, so a log line never hands out the credential.
 */
export function redacted(raw: string): string {
  try {
    const url = new URL(raw);
    const path = url.pathname
      .split('/')
      .map((segment) => (segment.length >= 12 ? '<redacted>' : segment))
      .join('/');
    return `${url.origin}${path}${url.search ? '?<redacted>' : ''}`;
  } catch {
    return '<unparseable URL>';
  }
}
