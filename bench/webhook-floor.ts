// The floor pipeline: the webhook bench's load (the same callbacks of the same failed VOD tasks,
// the same rate, open loop) through the fewest calls a crash-safe chain can make, as bare code on
// the AWS SDK in threads of their own (bench/webhook-floor-worker.ts), against the same stand-ins
// in the same threads (fauxqs and the emulator on this one, dynalite on its own). What it drains
// is what any handler code could drain here: if it misses the goal too, handler code is not what
// bounds it.
import { Agent } from 'node:http';
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { CreateQueueCommand, DeleteQueueCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { LocalStack } from '../local';
import { DEV_ACCOUNT } from '../emulator';
import { answers, openLoop, post } from './callbacks';
import { cpuShares, idleCpuPerSecond, STACK_THREADS, startPhase, workerBusyMs } from './thread-cpu';
import { drainEvents, until } from './events';
import { limit, percentile } from './measure';
import { callCost } from './sdk-floor';
import type { FloorConfig, FloorCounts, FloorRouting } from './webhook-floor-worker';

export interface FloorTask {
  vodTaskId: string;
  /** A job the measured run made terminal: the floor's job is a copy of it, PROCESSING again. */
  jobId: string;
  /** The callback VOD sent for the task. */
  body: string;
}

export interface FloorRun {
  routing: FloorRouting;
  total: number;
  latencies: number[];
  p99: number;
  /** Callbacks a second from the first send to the last event. */
  drainPerS: number;
  /** CPU ms per callback, every thread, the idle process's share taken off. */
  cpuMs: number;
  /** Each thread's share of cpuMs (busy time scaled to the CPU): the floor's two, this one, dynalite's. */
  threads: { webhookMs: number; queuesMs: number; mainMs: number; dynaliteMs: number };
  /** The floor's calls in the measured phase, by the bench's names, and messages per receive. */
  calls: Map<string, number>;
  messagesPerReceive: number;
  duplicates: number;
  statuses: Record<string, number>;
  /** Calls that failed in the floor's functions (their batch came back after its visibility timeout). */
  errors: number;
  firstErrors: string[];
  /** CPU ms of one callback POST read and answered with nothing done, both ends, measured alone. */
  barePostMs: number;
}

/** Starts the worker at `file` under tsx (a worker does not inherit its loader). */
function tsWorker(file: URL, workerData: unknown): Worker {
  const code = `import('tsx/esm/api').then(({ tsImport }) => tsImport(${JSON.stringify(file.href)}, ${JSON.stringify(import.meta.url)}))`;
  return new Worker(code, { eval: true, workerData });
}

/** The worker's next message carrying `key`; rejects if the worker fails or exits first. */
const reply = <T>(worker: Worker, key: string): Promise<T> =>
  new Promise((resolve, reject) => {
    const onMessage = (m: Record<string, unknown>) => {
      if (!(key in m)) return;
      worker.off('message', onMessage);
      resolve(m[key] as T);
    };
    worker.on('message', onMessage);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`a floor thread exited (${code}) before it answered ${key}`)));
  });

/** A terminal job's fields: the copies start PROCESSING, as the jobs vodflow's run started from. */
const TERMINAL_FIELDS = ['event', 'error', 'done', 'eventDeliveredTo', 'finishedAt', 'lastError', 'outputs', 'leases'];

export async function floorPhase(
  stack: LocalStack,
  sqs: SQSClient,
  options: { routing: FloorRouting; perSecond: number; tasks: FloorTask[]; warmup: FloorTask[]; quick: boolean },
): Promise<FloorRun> {
  const { routing, perSecond, tasks, warmup, quick } = options;
  const total = tasks.length;
  const table = stack.table!;
  const run = `${routing}-${Date.now().toString(36)}`;
  const queueUrls: string[] = [];
  const queue = async (name: string, fifo = false) => {
    const QueueName = `floor-${run}-${name}${fifo ? '.fifo' : ''}`;
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName, Attributes: fifo ? { FifoQueue: 'true' } : {} }));
    queueUrls.push(QueueUrl!);
    return QueueUrl!;
  };
  const queues = { classify: await queue('classify'), events: await queue('events', true) };
  const taskKeyPrefix = `FLOORTASK#${run}#`;
  const all = [...warmup, ...tasks];
  const jobIds = all.map((_, i) => `floor-${run}-${i}`);
  const dynamo = new DynamoDBClient({ region: stack.region, endpoint: stack.endpoints.dynamodb, credentials: stack.credentials });
  // Preparation (not timed): each job a copy of a real one, PROCESSING; as-routed, the item that
  // names a task's job, as vodflow indexes it.
  await limit(all, 16, async (task, i) => {
    const { Item = {} } = await dynamo.send(
      new GetItemCommand({ TableName: table, Key: { jobId: { S: task.jobId } }, ConsistentRead: true }),
    );
    for (const field of TERMINAL_FIELDS) delete Item[field];
    await dynamo.send(new PutItemCommand({ TableName: table, Item: { ...Item, jobId: { S: jobIds[i]! }, status: { S: 'PROCESSING' } } }));
    if (routing === 'as-routed')
      await dynamo.send(
        new PutItemCommand({ TableName: table, Item: { jobId: { S: taskKeyPrefix + task.vodTaskId }, ownerJobId: { S: jobIds[i]! } } }),
      );
  });
  dynamo.destroy();
  const config: Omit<FloorConfig, 'roles'> = {
    routing,
    region: stack.region,
    credentials: stack.credentials,
    endpoints: { sqs: stack.endpoints.sqs, dynamodb: stack.endpoints.dynamodb, vod: stack.emulator!.endpoint },
    vod: { secretId: DEV_ACCOUNT.secretId, secretKey: DEV_ACCOUNT.secretKey },
    table,
    queues,
    taskKeyPrefix,
    concurrency: 2,
  };
  // The callback VOD sent, with the jobId an API 3.0 task's SessionContext can carry (leanest only).
  const bodies = all.map((task, i) =>
    JSON.stringify({ ...(routing === 'leanest' ? { jobId: jobIds[i] } : {}), vodTaskId: task.vodTaskId, callback: JSON.parse(task.body) }),
  );
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const seen = new Map<string, number>();
  let duplicates = 0;
  const drain = drainEvents(sqs, queues.events, (e) => (seen.has(e.subject) ? duplicates++ : seen.set(e.subject, e.sentAt)), 100);
  const workers: Worker[] = [];
  try {
    // Two threads, as two environments: the webhook in one, the queue functions in the other.
    for (const side of ['webhook', 'queues'] as const)
      workers.push(
        tsWorker(new URL('./webhook-floor-worker.ts', import.meta.url), {
          ...config,
          roles: side === 'webhook' ? ['webhook'] : ['classify'],
        } satisfies FloorConfig),
      );
    const [port] = await Promise.all(workers.map((w) => reply<number>(w, 'port')));
    const url = new URL(`http://127.0.0.1:${port}/vod/callback`);
    const send = (from: number, n: number, sentAt: number[]) =>
      openLoop(
        n,
        perSecond,
        (i) => post(agent, url, bodies[from + i]!),
        (i) => void (sentAt[from + i] = Date.now()),
      );
    const sentAt: number[] = new Array(all.length);
    // Warm-up (not measured): new threads compile and make their first calls here, not in the run.
    if (warmup.length) {
      await send(0, warmup.length, sentAt);
      await until(() => seen.size >= warmup.length, 60_000, 50);
    }
    // The counts start with the measured phase.
    await Promise.all(
      workers.map((w) => {
        const answered = reply(w, 'reset');
        w.postMessage('reset');
        return answered;
      }),
    );
    const idleMsPerS = await idleCpuPerSecond(quick ? 500 : 2000);
    const end = startPhase([...workers.map(workerBusyMs), ...STACK_THREADS], idleMsPerS);
    const { statuses } = await send(warmup.length, total, sentAt);
    // A floor that drops work would price less than the chain: no verdict from it.
    const refused = total - (statuses[200] ?? 0);
    if (!refused) await until(() => seen.size >= all.length, Math.max(60_000, total * 200), 100);
    const measured = jobIds.slice(warmup.length);
    const latencies = measured.flatMap((jobId, i) => (seen.has(jobId) ? [seen.get(jobId)! - sentAt[warmup.length + i]!] : []));
    if (refused || latencies.length < total)
      throw new Error(
        `the ${routing} floor pipeline lost ${total - latencies.length} of ${total} callbacks (answers ${answers(statuses)})`,
      );
    const { cpuMs, idleMs, busyMs } = end();
    const perCallback = (cpuMs - idleMs) / total;
    const [webhookMs = 0, queuesMs = 0, mainMs = 0, dynaliteMs = 0] = cpuShares(perCallback, busyMs);
    const firstSend = sentAt[warmup.length]!;
    const lastEvent = Math.max(...measured.map((jobId) => seen.get(jobId)!));
    const barePost = await callCost(quick ? 50 : 1000, 16, () => post(agent, new URL('/noop', url), bodies[0]!));
    const counts = await stopAll(workers);
    const calls = new Map<string, number>();
    for (const c of counts) for (const [name, n] of Object.entries(c.calls)) calls.set(name, (calls.get(name) ?? 0) + n);
    const messages = counts.reduce((n, c) => n + c.messages, 0);
    return {
      routing,
      total,
      latencies,
      p99: percentile(latencies, 99),
      drainPerS: (total * 1000) / Math.max(1, lastEvent - firstSend),
      cpuMs: perCallback,
      threads: { webhookMs, queuesMs, mainMs, dynaliteMs },
      calls,
      messagesPerReceive: messages / (calls.get('SQS ReceiveMessage') || 1),
      duplicates,
      statuses,
      errors: counts.reduce((n, c) => n + c.errors, 0),
      firstErrors: counts.flatMap((c) => c.firstErrors),
      barePostMs: barePost.ms,
    };
  } finally {
    await stopAll(workers).catch(() => undefined);
    await drain.stop();
    agent.destroy();
    for (const QueueUrl of queueUrls) await sqs.send(new DeleteQueueCommand({ QueueUrl })).catch(() => undefined);
  }
}

/** Stops every floor thread (what each counted), or terminates one that does not answer in 5 s. */
async function stopAll(workers: Worker[]): Promise<FloorCounts[]> {
  const counts = await Promise.all(
    workers.map(async (worker) => {
      worker.postMessage('stop');
      const timeout = new Promise<undefined>((r) => setTimeout(() => r(undefined), 5000).unref());
      const stopped = await Promise.race([
        reply<FloorCounts>(worker, 'stopped').catch(() => undefined),
        once(worker, 'exit').then(() => undefined),
        timeout,
      ]);
      await worker.terminate();
      return stopped;
    }),
  );
  workers.length = 0;
  const missing = counts.filter((c) => !c).length;
  if (missing) throw new Error(`${missing} floor thread(s) did not stop cleanly`);
  return counts as FloorCounts[];
}
