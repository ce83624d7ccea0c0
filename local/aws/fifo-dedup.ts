// A FIFO queue's memory of what it accepted: the deduplication ids of the last 5 minutes (with
// the message id each one answered) and its sequence counter. SQS keeps them across anything; a
// restarted local stack must too, or a send repeated right after a kill — the outbox's retry
// after a crash between SendMessage and its record — would reach consumers twice.
import * as z from 'zod';
import type { SqsStoreT } from './fauxqs-stores';

type Queue = ReturnType<SqsStoreT['listQueues']>[number];

export const fifoMemorySchema = z.object({
  sequence: z.number().int().nonnegative(),
  dedup: z.array(z.object({ id: z.string(), messageId: z.string(), sequenceNumber: z.string().optional(), expiresAt: z.number() })),
});
export type FifoMemory = z.infer<typeof fifoMemorySchema>;

/** The queue's live deduplication entries and counter; undefined for a standard queue. */
export function fifoMemoryOf(queue: Queue, now = Date.now()): FifoMemory | undefined {
  if (!queue.isFifo()) return undefined;
  const cache = queue.deduplicationCache;
  const dedup: FifoMemory['dedup'] = [];
  for (const id of cache.keys() as Iterable<string>) {
    const expiresAt = Number(cache.expiresAt(id));
    const entry = cache.get(id); // undefined once expired (and dropped)
    if (entry && expiresAt > now) dedup.push({ id, ...entry, expiresAt });
  }
  return { sequence: queue.sequenceCounter, dedup };
}

/** Puts the entries back with their original expiry, so the window stays 5 minutes from the first send. */
export function restoreFifoMemory(queue: Queue, memory: FifoMemory | undefined, now = Date.now()): void {
  if (!memory || !queue.isFifo()) return;
  queue.sequenceCounter = Math.max(queue.sequenceCounter, memory.sequence);
  const cache = queue.deduplicationCache;
  for (const { id, expiresAt, ...entry } of memory.dedup) {
    if (expiresAt <= now) continue;
    cache.set(id, entry);
    const item = cache.items.get(id);
    if (item) item.expiry = expiresAt; // set() starts a fresh window; keep the first send's
  }
}
