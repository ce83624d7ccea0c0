// Starts the AWS stand-ins on 127.0.0.1: fauxqs (SQS + S3, JSON protocol) in-process, and dynalite
// (DynamoDB) on the process's dynalite thread (started first, beside fauxqs). With a data dir, dynalite
// keeps its LevelDB there and SQS/S3 state is snapshotted by FauxqsPersistence (fauxqs has none).
import { constants as bufferConstants } from 'node:buffer';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { buildApp } from 'fauxqs';
import type { FastifyRequest, FastifyReply } from 'fastify';
import { FauxqsPersistence } from './persistence';
import { createFauxqsStores, type S3StoreT, type SqsStoreT } from './fauxqs-stores';
import { checkPresigned } from './s3-presigned';
import { holdAnswer, refusePut, s3ErrorXml, undoPut } from './s3-conditions';

/** Any non-empty pair works with both stand-ins; fixed so tools outside the stack can reuse it. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'vodflow-local', secretAccessKey: 'vodflow-local-secret' } as const;

/**
 * Largest S3 request body the stand-in takes: S3's own single-PUT limit (5 GiB), capped by the
 * largest Buffer Node can hold. fauxqs hard-codes 11 MiB (enough for multipart parts), which made
 * every presigned PUT of a real video answer 413. The object is held in memory (fauxqs's store):
 * a PUT of N bytes costs N bytes for as long as the object is kept (readBody makes one copy).
 */
export const S3_MAX_BODY_BYTES = Math.min(5 * 1024 ** 3, bufferConstants.MAX_LENGTH);

type Done = (err: Error | null, body?: unknown) => void;

/** An error fastify answers with its own status (413, 400) instead of 500. */
const bodyError = (statusCode: number, message: string): Error => Object.assign(new Error(message), { statusCode });

/**
 * The S3 body as one Buffer, as fauxqs expects, but written into a Buffer of the declared
 * Content-Length as it arrives: one copy of the object instead of the chunks plus their
 * concatenation (fastify's parseAs 'buffer'), which halves the peak for a big PUT.
 */
function readBody(request: FastifyRequest, payload: NodeJS.ReadableStream, done: Done): void {
  const declared = Number(request.headers['content-length']);
  const sized = Number.isSafeInteger(declared) && declared >= 0 && !request.headers['transfer-encoding'];
  if (sized && declared > S3_MAX_BODY_BYTES) return done(bodyError(413, `request body over ${S3_MAX_BODY_BYTES} bytes`));
  const body = sized ? Buffer.allocUnsafe(declared) : undefined;
  const chunks: Buffer[] = [];
  let received = 0;
  let settled = false;
  const finish = (err: Error | null, value?: unknown) => {
    if (settled) return;
    settled = true;
    done(err, value);
  };
  payload.on('data', (chunk: Buffer) => {
    if (settled) return;
    if (received + chunk.length > (body ? body.length : S3_MAX_BODY_BYTES))
      return finish(bodyError(body ? 400 : 413, 'request body longer than declared or allowed'));
    if (body) chunk.copy(body, received);
    else chunks.push(chunk);
    received += chunk.length;
  });
  payload.on('error', (err: Error) => finish(err));
  payload.on('end', () => {
    if (body && received !== body.length) return finish(bodyError(400, `request body ended after ${received} of ${body.length} bytes`));
    finish(null, body ?? Buffer.concat(chunks, received));
  });
}

export interface StartServicesOptions {
  region: string;
  dataDir?: string;
  ports?: { fauxqs?: number; dynamodb?: number };
  /**
   * Called before a successful S3 write is answered (the S3 bridge sends its notifications here):
   * the answer waits for it, so an acknowledged upload has its notification queued. A throw turns
   * the answer into 503 and the write is undone, so the client retries instead of losing it.
   */
  beforeS3Answer?: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
}

export interface LocalServices {
  region: string;
  endpoints: { sqs: string; s3: string; dynamodb: string };
  credentials: { accessKeyId: string; secretAccessKey: string };
  sqsStore: SqsStoreT;
  s3Store: S3StoreT;
  /** Writes SQS/S3 state now (no-op without a data dir). */
  persist(): Promise<void>;
  close(): Promise<void>;
}

export async function startServices(options: StartServicesOptions): Promise<LocalServices> {
  // dynalite needs nothing from fauxqs: its thread starts it while fauxqs is being built.
  const dynamoStarting = startDynalite(options.dataDir ? path.join(options.dataDir, 'dynamodb') : undefined, options.ports?.dynamodb ?? 0);
  // Awaited only once fauxqs is up: a failure before then must not count as unhandled (Node would
  // end the process instead of this start rejecting with the reason).
  dynamoStarting.catch(() => undefined);
  try {
    return await startFauxqs(options, dynamoStarting);
  } catch (error) {
    await dynamoStarting.then(
      (dynamo) => dynamo.close(),
      () => undefined,
    );
    throw error;
  }
}

async function startFauxqs(options: StartServicesOptions, dynamoStarting: ReturnType<typeof startDynalite>): Promise<LocalServices> {
  const stores = await createFauxqsStores();
  const persistence = options.dataDir
    ? new FauxqsPersistence(path.join(options.dataDir, 'sqs-s3'), stores.sqsStore, stores.s3Store)
    : undefined;
  const app = buildApp({ logger: false, defaultRegion: options.region, stores });
  // fauxqs's catch-all (S3 bodies as a Buffer) inherits its 11 MiB server limit; the same parser
  // again with S3's limit. SQS and SNS keep their own parsers (and validate sizes themselves).
  app.removeContentTypeParser('*');
  app.addContentTypeParser('*', { bodyLimit: S3_MAX_BODY_BYTES }, readBody);
  // Durable once answered, like SQS and S3 themselves: a change reaches the data dir before the
  // response does (a SendMessage or PutObject acknowledged, then the process killed, must not lose
  // the message or the object). SQS speaks the JSON protocol (POST with X-Amz-Target); every other
  // request is S3, whose writes also wait for their notification (a SendMessage, itself saved).
  const isSqs = (request: FastifyRequest) => request.headers['x-amz-target'] !== undefined;
  const isS3Write = (request: FastifyRequest) => !isSqs(request) && request.method !== 'GET' && request.method !== 'HEAD';
  if (persistence) {
    app.addHook('onSend', async (request: FastifyRequest, _reply: FastifyReply, payload: unknown) => {
      if (isSqs(request)) await persistence.save();
      return payload;
    });
  }
  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    const forged = await checkPresigned(request, LOCAL_CREDENTIALS);
    if (forged) return reply.code(forged.status).header('content-type', 'application/xml').send(forged.xml);
    if (!isS3Write(request)) return undefined;
    const refusal = refusePut(request, stores.s3Store);
    if (refusal) return reply.code(refusal.status).header('content-type', 'application/xml').send(refusal.xml);
    holdAnswer(reply, async () => {
      try {
        await options.beforeS3Answer?.(request, reply);
      } catch (error) {
        console.error(`[local] S3 write not acknowledged, its notification failed: ${(error as Error).message}`);
        undoPut(request, stores.s3Store);
        await persistence?.save();
        reply.code(503).header('content-type', 'application/xml');
        return s3ErrorXml('ServiceUnavailable', 'The notification of this write could not be queued; please retry');
      }
      await persistence?.save();
      return undefined;
    });
    return undefined;
  });
  await app.listen({ host: '127.0.0.1', port: options.ports?.fauxqs ?? 0 });
  const fauxqsUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

  let dynamo: Awaited<ReturnType<typeof startDynalite>>;
  try {
    if (persistence) {
      // The URLs fauxqs itself gives a new queue (sqs.<region>.localhost:<port>), so a restarted
      // stack hands out the same URLs as a fresh one on that port.
      const port = (app.server.address() as AddressInfo).port;
      const restored = await persistence.restore((name) =>
        stores.sqsStore.buildQueueUrl(name, String(port), `127.0.0.1:${port}`, options.region),
      );
      if (restored.queues || restored.objects)
        console.error(`[local] restored ${restored.queues} queues, ${restored.messages} messages, ${restored.objects} objects`);
    }
    dynamo = await dynamoStarting;
  } catch (error) {
    await app.close();
    throw error;
  }
  const dynamoUrl = `http://127.0.0.1:${dynamo.port}`;

  let closed = false;
  return {
    region: options.region,
    endpoints: { sqs: fauxqsUrl, s3: fauxqsUrl, dynamodb: dynamoUrl },
    credentials: { ...LOCAL_CREDENTIALS },
    sqsStore: stores.sqsStore,
    s3Store: stores.s3Store,
    persist: async () => {
      await persistence?.save();
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await app.close(); // fauxqs sets forceCloseConnections and cancels long polls
      await persistence?.close();
      await dynamo.close();
    },
  };
}

interface HostReply {
  id: number;
  port?: number;
  server?: number;
  error?: string;
  closed?: boolean;
}

/** The process's dynalite thread (local/aws/dynalite-worker.mjs), kept for the next stack. */
let host: { worker: Worker; pending: Map<number, (reply: HostReply) => void>; nextId: number } | undefined;

function ask(message: { op: 'start'; dir?: string; port: number } | { op: 'close'; server: number }): Promise<HostReply> {
  if (!host) {
    const worker = new Worker(new URL('./dynalite-worker.mjs', import.meta.url));
    const current = { worker, pending: new Map<number, (reply: HostReply) => void>(), nextId: 1 };
    const fail = (why: string) => {
      for (const answer of current.pending.values()) answer({ id: 0, error: why });
      current.pending.clear();
      if (host === current) host = undefined;
    };
    worker.on('message', (reply: HostReply) => {
      current.pending.get(reply.id)?.(reply);
      current.pending.delete(reply.id);
      refIfBusy(current);
    });
    worker.on('error', (error) => fail(error.message));
    worker.on('exit', (code) => fail(`the DynamoDB stand-in's thread exited (${code})`));
    host = current;
  }
  const current = host;
  const id = current.nextId++;
  return new Promise((resolve) => {
    current.pending.set(id, resolve);
    refIfBusy(current);
    current.worker.postMessage({ ...message, id });
  });
}

// The thread holds the process open only while a request to it is on its way: a running stack is
// held open by its own servers (fauxqs, the HTTP API), and an idle thread must not outlive them.
function refIfBusy(h: NonNullable<typeof host>): void {
  if (h.pending.size > 0) h.worker.ref();
  else h.worker.unref();
}

/**
 * How long the dynalite thread has been busy (its event loop's active time, ms) since it started:
 * the DynamoDB stand-in's own share of a call's CPU, for the bench's client/server split.
 */
export function dynaliteThreadBusyMs(): number {
  return host?.worker.performance.eventLoopUtilization().active ?? 0;
}

/** dynalite on the process's dynalite thread, answering on 127.0.0.1:`port` (0: any). */
async function startDynalite(dir: string | undefined, port: number): Promise<{ port: number; close(): Promise<void> }> {
  const started = await ask({ op: 'start', dir, port });
  if (started.error || !started.port || !started.server) throw new Error(`DynamoDB stand-in: ${started.error ?? 'no port'}`);
  let closed = false;
  return {
    port: started.port,
    close: async () => {
      if (closed) return;
      closed = true;
      await ask({ op: 'close', server: started.server! });
    },
  };
}
