// What S3 checks before a write that fauxqs 1.9.2 does not: a conditional PUT (`If-None-Match: *`,
// S3's create-only write) is refused with 412 when the key exists. Also what a write replaced, so
// an unacknowledged write (its notification could not be queued) is undone, not half-kept, and
// the hold that keeps a write's answer back until it is durable.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { S3StoreT } from './fauxqs-stores';

type Stored = ReturnType<S3StoreT['getObject']>;
const replaced = new WeakMap<FastifyRequest, Stored | null>();

const escapeXml = (text: string) => text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

export function s3ErrorXml(code: string, message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${escapeXml(message)}</Message></Error>`;
}

function objectOf(request: FastifyRequest): { bucket: string; key: string } | undefined {
  const params = request.params as { bucket?: string; '*'?: string } | undefined;
  if (!params?.bucket || !params['*']) return undefined;
  return { bucket: params.bucket, key: params['*'] };
}

const lookup = (store: S3StoreT, bucket: string, key: string): Stored | null => {
  try {
    return store.getObject(bucket, key);
  } catch {
    return null; // no such key (or bucket)
  }
};

/** An S3 error answer for a write S3 would refuse, or undefined; remembers what the write replaces. */
export function refusePut(request: FastifyRequest, store: S3StoreT): { status: number; xml: string } | undefined {
  const target = objectOf(request);
  const query = (request.query ?? {}) as Record<string, string | undefined>;
  if (!target || query.partNumber !== undefined) return undefined;
  const creates = request.method === 'PUT' || (request.method === 'POST' && query.uploadId !== undefined);
  if (!creates) return undefined;
  const existing = lookup(store, target.bucket, target.key);
  const ifNoneMatch = request.headers['if-none-match'];
  if (ifNoneMatch === '*' && existing) {
    return {
      status: 412,
      xml: s3ErrorXml(
        'PreconditionFailed',
        'At least one of the pre-conditions you specified did not hold (If-None-Match: * and the key exists)',
      ),
    };
  }
  replaced.set(request, existing ? { ...existing } : null);
  return undefined;
}

/** Puts back what an unacknowledged write replaced (or removes what it created). */
export function undoPut(request: FastifyRequest, store: S3StoreT): void {
  const target = objectOf(request);
  if (!target || !replaced.has(request)) return;
  const before = replaced.get(request);
  if (before) {
    const restored = store.putObject(target.bucket, target.key, before.body, before.contentType, before.metadata);
    Object.assign(restored, { etag: before.etag, lastModified: before.lastModified });
  } else {
    try {
      store.deleteObject(target.bucket, target.key);
    } catch {
      // already gone
    }
  }
}

/**
 * Keeps a successful (2xx) answer back until `durable` has run (its result, if any, replaces the body).
 * fauxqs's async routes call reply.send() and return undefined, which makes Fastify send again:
 * those later calls are ignored while the first one is held.
 */
export function holdAnswer(reply: FastifyReply, durable: () => Promise<string | undefined>): void {
  const send = reply.send.bind(reply);
  let held = false;
  reply.send = ((payload?: unknown) => {
    if (held) return reply;
    if (reply.statusCode < 200 || reply.statusCode >= 300 || payload instanceof Error) return send(payload);
    held = true;
    void durable().then(
      (replacement) => send(replacement ?? payload),
      (error: unknown) => send(error),
    );
    return reply;
  }) as FastifyReply['send'];
}
