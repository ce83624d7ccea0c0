// fauxqs 1.9.2 keeps everything in memory (its README: "No persistence"), so `--data DIR` is
// honoured here: queues with their messages (and a FIFO queue's deduplication memory, see
// fifo-dedup) and buckets with their objects are snapshotted to
// DIR and restored on the next start. Object bodies are written once per version (content files
// named by a hash of bucket+key), the small JSON index is rewritten atomically.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as z from 'zod';
import type { S3StoreT, SqsStoreT } from './fauxqs-stores';
import { fifoMemoryOf, fifoMemorySchema, restoreFifoMemory } from './fifo-dedup';

const messageSchema = z.object({
  messageId: z.string(),
  body: z.string(),
  md5OfBody: z.string(),
  messageAttributes: z.record(
    z.string(),
    z.object({ DataType: z.string(), StringValue: z.string().optional(), BinaryValue: z.string().optional() }),
  ),
  md5OfMessageAttributes: z.string(),
  sentTimestamp: z.number(),
  approximateReceiveCount: z.number(),
  approximateFirstReceiveTimestamp: z.number().optional(),
  delayUntil: z.number().optional(),
  messageGroupId: z.string().optional(),
  messageDeduplicationId: z.string().optional(),
  sequenceNumber: z.string().optional(),
});

const snapshotSchema = z.object({
  version: z.literal(1),
  queues: z.array(
    z.object({
      name: z.string(),
      arn: z.string(),
      attributes: z.record(z.string(), z.string()),
      tags: z.record(z.string(), z.string()),
      messages: z.array(messageSchema),
      // FIFO queues: deduplication ids still inside their 5-minute window, sequence counter.
      fifo: fifoMemorySchema.optional(),
    }),
  ),
  buckets: z.array(
    z.object({
      name: z.string(),
      objects: z.array(
        z.object({
          key: z.string(),
          file: z.string(),
          contentType: z.string(),
          etag: z.string(),
          lastModified: z.string(),
          metadata: z.record(z.string(), z.string()),
        }),
      ),
    }),
  ),
});
type Snapshot = z.infer<typeof snapshotSchema>;

// Attributes fauxqs computes itself; restoring them would freeze stale numbers.
const COMPUTED = /^(Approximate|CreatedTimestamp|LastModifiedTimestamp|QueueArn)/;

interface BucketsInternals {
  buckets: Map<
    string,
    Map<string, { key: string; body: Buffer; contentType: string; etag: string; lastModified: Date; metadata: Record<string, string> }>
  >;
}

export class FauxqsPersistence {
  private readonly index: string;
  private readonly objectsDir: string;
  private written = new Map<string, string>(); // object file → etag+mtime already on disk
  private saving: Promise<void> = Promise.resolve();
  private queued: Promise<void> | undefined;
  private closed = false;

  constructor(
    dir: string,
    private readonly sqs: SqsStoreT,
    private readonly s3: S3StoreT,
  ) {
    this.index = path.join(dir, 'state.json');
    this.objectsDir = path.join(dir, 'objects');
  }

  /** Recreates queues (with URLs on the new port), their messages, buckets and objects. */
  async restore(queueUrl: (name: string) => string): Promise<{ queues: number; messages: number; objects: number }> {
    if (!existsSync(this.index)) return { queues: 0, messages: 0, objects: 0 };
    let snapshot: Snapshot;
    try {
      snapshot = snapshotSchema.parse(JSON.parse(await readFile(this.index, 'utf8')));
    } catch (error) {
      // Never start empty over a user's queues and objects: say which file, and stop.
      const reason =
        error instanceof z.ZodError
          ? `not a snapshot: ${error.issues[0]?.path.join('.')} ${error.issues[0]?.message}`
          : (error as Error).message;
      throw Object.assign(
        new Error(
          `${this.index} is damaged (${reason}); the local SQS/S3 will not start over it and lose its messages and objects. Repair it, or move the ${path.dirname(this.index)} folder aside to start empty.`,
        ),
        { name: 'StateFileError' },
      );
    }
    let messages = 0;
    let objects = 0;
    for (const q of snapshot.queues) {
      const queue = this.sqs.createQueue(q.name, queueUrl(q.name), q.arn, q.attributes, q.tags);
      for (const message of q.messages) queue.enqueue({ ...message });
      restoreFifoMemory(queue, q.fifo);
      messages += q.messages.length;
    }
    for (const bucket of snapshot.buckets) {
      this.s3.createBucket(bucket.name);
      for (const o of bucket.objects) {
        const body = await readFile(path.join(this.objectsDir, o.file));
        const stored = this.s3.putObject(bucket.name, o.key, body, o.contentType, o.metadata);
        // keep the original ETag (multipart ETags are not an MD5 of the body) and time
        Object.assign(stored, { etag: o.etag, lastModified: new Date(o.lastModified) });
        this.written.set(o.file, `${o.etag}@${o.lastModified}`);
        objects++;
      }
    }
    return { queues: snapshot.queues.length, messages, objects };
  }

  /**
   * Writes the snapshot (serialised with any save in progress). Callers that arrive while a write
   * is queued but not started share it: it will include their change — a group commit.
   */
  save(): Promise<void> {
    if (this.closed) return this.saving.catch(() => undefined);
    if (this.queued) return this.queued;
    const run = this.saving
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        return this.write();
      });
    this.queued = run;
    this.saving = run;
    return run;
  }

  /**
   * The last snapshot; later saves write nothing, so the caller may remove the folder once this
   * resolves. A request still in flight when the server closed cannot be acknowledged any more
   * (its connection is gone), so its change need not outlive the process.
   */
  async close(): Promise<void> {
    const last = this.save();
    this.closed = true;
    await last;
  }

  private async write(): Promise<void> {
    await mkdir(this.objectsDir, { recursive: true });
    const snapshot: Snapshot = { version: 1, queues: [], buckets: [] };
    for (const queue of this.sqs.listQueues()) {
      const inspected = queue.inspectMessages();
      // In-flight messages come back when their visibility timeout ends, as on SQS: earlier, a
      // redelivery would meet the dead invocation's step lease and be dropped as a duplicate.
      const inflight = inspected.inflight.map((entry) => ({ ...entry.message, delayUntil: entry.visibilityDeadline }));
      const all = [...inspected.ready, ...inspected.delayed, ...inflight];
      const attributes = Object.fromEntries(Object.entries(queue.attributes).filter(([key]) => !COMPUTED.test(key)));
      snapshot.queues.push({
        name: queue.name,
        arn: queue.arn,
        attributes,
        tags: Object.fromEntries(queue.tags),
        messages: all.map((m) => ({ ...m })),
        fifo: fifoMemoryOf(queue),
      });
    }
    const live = new Set<string>();
    for (const [name, objects] of (this.s3 as unknown as BucketsInternals).buckets) {
      const entry: Snapshot['buckets'][number] = { name, objects: [] };
      for (const object of objects.values()) {
        const file = createHash('sha256').update(`${name}/${object.key}`).digest('hex');
        const version = `${object.etag}@${object.lastModified.toISOString()}`;
        live.add(file);
        if (this.written.get(file) !== version) {
          await writeFile(path.join(this.objectsDir, file), object.body);
          this.written.set(file, version);
        }
        entry.objects.push({
          key: object.key,
          file,
          contentType: object.contentType,
          etag: object.etag,
          lastModified: object.lastModified.toISOString(),
          metadata: object.metadata,
        });
      }
      snapshot.buckets.push(entry);
    }
    const tmp = `${this.index}.tmp`;
    await writeFile(tmp, JSON.stringify(snapshot));
    await rename(tmp, this.index);
    for (const file of [...this.written.keys()].filter((f) => !live.has(f))) {
      await rm(path.join(this.objectsDir, file), { force: true });
      this.written.delete(file);
    }
  }
}
