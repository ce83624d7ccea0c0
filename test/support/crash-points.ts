// Crash points: the handlers run one record per invocation, each inside its own async context;
// every external write of an invocation (a DynamoDB write, an SQS send, a VOD action that
// changes something) is counted, and a planned crash lets the n-th write happen, then kills the
// invocation: that call and every later one of the invocation fail, as if the process had died
// right after the write reached the other side. Nothing else is faked: the stand-ins, the VOD
// emulator and the real SDK clients do the work. A failed record stays invisible for the lease
// length (as SQS keeps it for the visibility timeout), then comes back. pull-events is a target
// too: one drain reports many jobs' tasks, so there a job's writes are its task's report's own
// (the send, the marker, the ConfirmEvent), and its planned crash kills the whole drain (the other jobs' events stay
// unconfirmed and come back, as after a real crash).
import { AsyncLocalStorage } from 'node:async_hooks';
import { ChangeMessageVisibilityCommand, DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { dynamo, sqs } from '../../lib/aws/clients';
import { vodClient } from '../../lib/aws/vod';
import type { VodClient } from '../../lib/vod/client';
import { jobIdFor } from '../../lib/jobs';
import { decodeS3Key } from '../../lib/messages';
import { lambdaContext, sqsRecord, type SqsLambda, type Stack } from './stack';

/** A handler as a crash target: the queue it reads, and for poll/result which task kind. */
export type Label =
  | 'ingest'
  | 'upload'
  | 'process'
  | 'poll:pull'
  | 'poll:procedure'
  | 'result:pull'
  | 'result:procedure'
  | 'classify'
  | 'pull-events:pull'
  | 'pull-events:procedure';

interface Invocation {
  label: Label;
  jobId: string;
  writes: string[];
  crashAfter?: number;
  dead: boolean;
  /** A pull-events drain: per `label:jobId` reported in it, its report's own writes, and the planned crashes. */
  drain?: { writes: Map<string, string[]>; plan: ReadonlyMap<string, number>; crashed?: string };
}

/** The label and job a pull-events drain's send reports (task-finished or classify-failure), if any. */
function reportOf(messageBody: string | undefined): string | undefined {
  if (!messageBody) return undefined;
  const m = JSON.parse(messageBody) as { type?: string; jobId?: string; task?: string; origin?: string };
  const kind = m.type === 'task-finished' ? m.task : m.type === 'classify-failure' ? m.origin : undefined;
  return kind === 'pull' || kind === 'procedure' ? `pull-events:${kind}:${m.jobId}` : undefined;
}

export class Crash extends Error {
  override readonly name = 'Crash';
}

const als = new AsyncLocalStorage<Invocation>();
const READ = /^(Get|Scan|Query|BatchGet|Describe|Receive|List)/;

/** Counts a write of the current invocation; throws when it is dead or this write is its last. */
async function around<T>(what: string, call: () => Promise<T>, messageBody?: string): Promise<T> {
  const inv = als.getStore();
  if (!inv) return call();
  if (inv.dead) throw new Crash(`${inv.label} already crashed`);
  if (READ.test(what)) return call();
  inv.writes.push(what);
  const { drain } = inv;
  if (drain) {
    const reported = what.startsWith('SendMessage') ? reportOf(messageBody) : undefined;
    if (reported && !drain.writes.has(reported)) drain.writes.set(reported, [what]);
    // A report's own writes: its send, the marker right after it (events are reported one at a
    // time) and the ConfirmEvent of its batch; other reports' writes, and later batches'
    // confirmations in the same drain, are not its.
    else
      for (const writes of drain.writes.values())
        if (writes.length === 1 || (what === 'VOD:ConfirmEvent' && !writes.includes(what))) writes.push(what);
    drain.crashed ??= [...drain.writes].find(([key, writes]) => drain.plan.get(key) === writes.length)?.[0];
  }
  const last = inv.crashAfter === inv.writes.length || (drain?.crashed !== undefined && !inv.dead);
  try {
    return await call();
  } finally {
    if (last) {
      inv.dead = true;
      // biome-ignore lint/correctness/noUnsafeFinally: the crash replaces whatever the write answered
      throw new Crash(`${inv.label} crashed after write ${inv.writes.length} (${what})`);
    }
  }
}

export interface CrashRig {
  /** `label:jobId` → crash the first invocation of that label for that job that makes an n-th write, right after it. */
  plan: Map<string, number>;
  fired: Array<{ label: Label; jobId: string; after: number; write: string; at: number }>;
  /** Writes of the first invocation of each label per job (for calibration). */
  firstWrites: Map<string, string[]>;
  /** One pull-events drain (`drainEvents` of functions/pull-events) as a crash target. */
  drain(drainEvents: (ctx: ReturnType<typeof lambdaContext>) => Promise<unknown>): Promise<void>;
  pump(stack: Stack, handlers: Record<string, SqsLambda>, options?: { leaseS?: number }): Promise<number>;
  uninstall(): void;
}

const VOD_WRITE = /^(?!Get|Describe|PullEvent)/;

export function installCrashRig(): CrashRig {
  const plan = new Map<string, number>();
  const fired: CrashRig['fired'] = [];
  const firstWrites = new Map<string, string[]>();
  const seen = new Set<string>();

  // AWS SDK: one middleware on each shared client the handlers use.
  const mw = (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => (args: unknown) =>
    around(
      context.commandName?.replace(/Command$/, '') ?? 'Unknown',
      () => next(args),
      (args as { input?: { MessageBody?: string } }).input?.MessageBody,
    );
  const clients = [sqs(), dynamo()];
  for (const c of clients)
    (c.middlewareStack as { add(m: unknown, o: unknown): void }).add(mw, { step: 'initialize', name: 'crashPoints', override: true });

  // VOD: every action of the handlers' shared v2 client (lib/aws/vod) goes through one of its
  // methods (multiPullVodFile → MultiPullVodFile); each is wrapped on the instance, once.
  const wrapped = new Map<VodClient, Map<string, unknown>>();
  const wrapVod = async () => {
    const client = await vodClient();
    if (wrapped.has(client)) return;
    const originals = new Map<string, unknown>();
    const target = client as unknown as Record<string, unknown>;
    for (const [name, fn] of Object.entries(target)) {
      if (typeof fn !== 'function') continue;
      originals.set(name, fn);
      const action = name[0]!.toUpperCase() + name.slice(1);
      const label = VOD_WRITE.test(action) ? `VOD:${action}` : `Get${action}`;
      target[name] = (...args: unknown[]) => around(label, () => (fn as (...a: unknown[]) => Promise<unknown>)(...args));
    }
    wrapped.set(client, originals);
  };

  const labelOf = (short: string, body: Record<string, unknown>): Label =>
    short === 'poll' || short === 'result' ? (`${short}:${body.task}` as Label) : (short as Label);

  const jobIdOf = (short: string, body: Record<string, unknown>): string => {
    if (short !== 'ingest') return String(body.jobId);
    const r = (body.Records as Array<{ s3: { bucket: { name: string }; object: { key: string; eTag?: string } } }>)[0]!;
    return jobIdFor({ bucket: r.s3.bucket.name, key: decodeS3Key(r.s3.object.key), etag: r.s3.object.eTag });
  };

  async function invoke(short: string, handler: SqsLambda, record: SQSRecord, leaseS: number): Promise<boolean> {
    const body = JSON.parse(record.body) as Record<string, unknown>;
    const label = labelOf(short, body);
    const jobId = jobIdOf(short, body);
    const key = `${label}:${jobId}`;
    const first = !seen.has(key);
    seen.add(key);
    // The first invocation of the label that reaches the planned write crashes there (an earlier
    // one may have ended sooner, e.g. a claim that found the step busy).
    const crashAfter = plan.get(key);
    const inv: Invocation = { label, jobId, writes: [], crashAfter, dead: false };
    // The invocation has `leaseS - 5` s left, so its step leases end `leaseS` s from now.
    const res = await als
      .run(inv, () => handler({ Records: [record] }, lambdaContext(short, (leaseS - 5) * 1000)))
      .catch(() => ({ batchItemFailures: [{ itemIdentifier: record.messageId }] }));
    if (first) firstWrites.set(key, inv.writes);
    if (inv.dead) {
      plan.delete(key);
      fired.push({ label, jobId, after: inv.writes.length, write: inv.writes.at(-1)!, at: Date.now() });
    }
    return !inv.dead && (res?.batchItemFailures ?? []).length === 0;
  }

  return {
    plan,
    fired,
    firstWrites,
    async drain(drainEvents) {
      await wrapVod();
      const planned = new Map([...plan].filter(([key]) => key.startsWith('pull-events:')));
      const inv: Invocation = {
        label: 'pull-events:pull',
        jobId: '',
        writes: [],
        dead: false,
        drain: { writes: new Map(), plan: planned },
      };
      await als.run(inv, () => drainEvents(lambdaContext('pull-events', 1500))).catch(() => undefined);
      for (const [key, writes] of inv.drain!.writes) if (!firstWrites.has(key)) firstWrites.set(key, writes);
      const crashed = inv.drain!.crashed;
      if (inv.dead && crashed) {
        plan.delete(crashed);
        const [, kind, jobId] = crashed.split(':') as [string, string, string];
        const writes = inv.drain!.writes.get(crashed)!;
        fired.push({ label: `pull-events:${kind}` as Label, jobId, after: writes.length, write: writes.at(-1)!, at: Date.now() });
      }
    },
    async pump(stack, handlers, { leaseS = 6 } = {}) {
      await wrapVod();
      let handled = 0;
      await Promise.all(
        Object.entries(handlers).map(async ([short, handler]) => {
          const url = stack.queueUrl(short);
          const out = await stack.sqs.send(
            new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, MessageSystemAttributeNames: ['All'] }),
          );
          await Promise.all(
            (out.Messages ?? []).map(async (m) => {
              handled++;
              const record = sqsRecord(m, short);
              const ok = await invoke(short, handler, record, leaseS);
              if (ok) await stack.sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle! }));
              // A crashed or failed record comes back once the dead holder's lease is over.
              else
                await stack.sqs
                  .send(
                    new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle!, VisibilityTimeout: leaseS + 1 }),
                  )
                  .catch(() => undefined);
            }),
          );
        }),
      );
      return handled;
    },
    uninstall() {
      for (const [client, originals] of wrapped)
        for (const [name, fn] of originals) (client as unknown as Record<string, unknown>)[name] = fn;
      wrapped.clear();
      for (const c of clients) (c.middlewareStack as { remove(name: string): boolean }).remove('crashPoints');
    },
  };
}
