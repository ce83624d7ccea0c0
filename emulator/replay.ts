// Replay protection (reference §3.3): a (SecretId, Timestamp, Nonce) triple is accepted once while
// its Timestamp is inside the window. Entries expire with the window, so memory stays bounded by
// the request rate times the window.
export class ReplayGuard {
  private readonly seen = new Map<string, number>();
  private lastSweep = 0;

  constructor(readonly windowSeconds: number) {}

  /** Timestamp within ±window of now (seconds). */
  fresh(timestamp: number, now = Date.now() / 1000): boolean {
    return Math.abs(now - timestamp) <= this.windowSeconds;
  }

  /** Records the triple; false if it was already used. */
  claim(secretId: string, timestamp: number, nonce: string, now = Date.now() / 1000): boolean {
    this.sweep(now);
    const key = `${secretId}\n${timestamp}\n${nonce}`;
    if (this.seen.has(key)) return false;
    // Keep it until its Timestamp can no longer pass the freshness check.
    this.seen.set(key, timestamp + this.windowSeconds);
    return true;
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < 10) return;
    this.lastSweep = now;
    for (const [key, until] of this.seen) if (until < now) this.seen.delete(key);
  }
}
