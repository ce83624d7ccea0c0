// Reliable event mode (reference §4.7.1–4.7.2): a per-app queue in the data dir. PullEvent takes
// the visible events (long-polling while there are none), hides them for the redelivery delay;
// ConfirmEvent removes them; an unconfirmed event becomes visible again.
import { newMsgHandle } from '../ids';
import type { Store } from '../store';
import type { QueuedEvent } from '../types';

const MAX_PER_PULL = 16;

export class EventQueue {
  private waiters = new Set<{ appId: number; wake: () => void }>();

  constructor(
    private readonly store: Store,
    private readonly redeliveryMs: () => number,
  ) {}

  push(appId: number, eventContent: Record<string, unknown>): void {
    const event: QueuedEvent = { msgHandle: newMsgHandle(), appId, eventContent, enqueuedAt: Date.now(), invisibleUntil: 0 };
    this.store.events.events.push(event);
    this.store.save('events');
    for (const w of this.waiters) if (w.appId === appId) w.wake();
  }

  private take(appId: number): QueuedEvent[] {
    const now = Date.now();
    const visible = this.store.events.events.filter((e) => e.appId === appId && e.invisibleUntil <= now).slice(0, MAX_PER_PULL);
    for (const e of visible) e.invisibleUntil = now + this.redeliveryMs();
    if (visible.length) this.store.save('events');
    return visible;
  }

  /** Long poll: returns at once when events are visible, else waits up to holdMs. */
  async pull(appId: number, holdMs: number, signal?: AbortSignal): Promise<QueuedEvent[]> {
    const deadline = Date.now() + holdMs;
    for (;;) {
      const events = this.take(appId);
      if (events.length || Date.now() >= deadline || signal?.aborted) return events;
      // Wake on a new event, when a hidden one becomes visible again, or at the deadline.
      const nextVisible = Math.min(deadline, ...this.store.events.events.filter((e) => e.appId === appId).map((e) => e.invisibleUntil));
      await new Promise<void>((resolve) => {
        const waiter = { appId, wake: () => done() };
        const timer = setTimeout(() => done(), Math.max(1, nextVisible - Date.now()));
        const onAbort = () => done();
        signal?.addEventListener('abort', onAbort, { once: true });
        const done = () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          this.waiters.delete(waiter);
          resolve();
        };
        this.waiters.add(waiter);
      });
    }
  }

  /** Returns the handles that were not found (already confirmed or never issued). */
  confirm(appId: number, handles: string[]): string[] {
    const wanted = new Set(handles);
    const before = this.store.events.events.length;
    const found = new Set<string>();
    this.store.events.events = this.store.events.events.filter((e) => {
      if (e.appId === appId && wanted.has(e.msgHandle)) {
        found.add(e.msgHandle);
        return false;
      }
      return true;
    });
    if (this.store.events.events.length !== before) this.store.save('events');
    return handles.filter((h) => !found.has(h));
  }

  /** Wake every long poll (shutdown). */
  wakeAll(): void {
    for (const w of this.waiters) w.wake();
  }
}
