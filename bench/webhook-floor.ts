// The floor pipeline: the webhook bench's load (the same callbacks of the same failed VOD tasks,
// the same rate, open loop) through the fewest calls a crash-safe chain can make, as bare code on
// the AWS SDK in threads of their own (bench/webhook-floor-worker.ts), against the same stand-ins
// in the same threads (fauxqs and the emulator on this one, dynalite on its own). What it drains
// is what any handler code could drain here: if it misses the goal too, handler code is not what
// bounds it.
import { Agent } from 'node:http';
import { Worker } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { CreateQueueCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { LocalStack } from '../local';
import { DEV_ACCOUNT } from '../emulator';
import { dynaliteThreadBusyMs } from '../local/aws/services';
import { answers, idleCpuPerSecond, openLoop, post } from './callbacks';
import { drainEvents, until } from './events';
import { limit, percentile } from './measure';
import { callCost } from './sdk-floor';
import type { FloorConfig, FloorRouting } from './webhook-floor-worker';

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
  /** Busy ms per callback of each thread: the floor's functions' two (webhook, queues), this one (fauxqs, emulator, sender, reader), dynalite's. */
  threads: { functionsMs: number[]; mainMs: number; dynaliteMs: number };
  duplicates: number;
  statuses: Record<string, number>;
  /** CPU ms of one callback POST read and answered with nothing done, both ends, measured alone. */
  barePostMs: number;
}

/** Starts the worker at `file` under tsx (a worker does not inherit its loader). */
function tsWorker(file: URL, workerData: unknown): Worker {
  const code = `import('tsx/esm/api').then(({ tsImport }) => tsImport(${JSON.stringify(file.href)}, ${JSON.stringify(import.meta.url)}))`;
  return new Worker(code, { eval: true, workerData });
}

const reply = <T>(worker: Worker, key: string): Promise<T> =>
  new Promise((resolve, reject) => {
    const onMessage = (m: Record<string, unknown>) => {
      if (!(key in m)) return;
      worker.off('message', onMessage);
      resolve(m[key] as T);
    };
    worker.on('message', onMessage);
    worker.once('error', reject);
  });

export async function floorPhase(
  stack: LocalStack,
  sqs: SQSClient,
  options: { routing: FloorRouting; perSecond: number; tasks: FloorTask[]; quick: boolean },
): Promise<FloorRun> {
  const { routing, perSecond, tasks, quick } = options;
  const total = tasks.length;
  const table = stack.table!;
  const run = `${routing}-${Date.now().toString(36)}`;
  const queue = async (name: string, fifo = false) =>
    (
      await sqs.send(
        new CreateQueueCommand({ QueueName: `floor-${run}-${name}${fifo ? '.fifo' : ''}`, Attributes: fifo ? { FifoQueue: 'true' } : {} }),
      )
    ).QueueUrl!;
  const queues = {
    ...(routing === 'as-routed' ? { result: await queue('result') } : {}),
    classify: await queue('classify'),
    events: await queue('events', true),
  };
  const taskKeyPrefix = `FLOORTASK#${run}#`;
  const jobIds = tasks.map((_, i) => `floor-${run}-${i}`);
  const dynamo = new DynamoDBClient({ region: stack.region, endpoint: stack.endpoints.dynamodb, credentials: stack.credentials });
  // Preparation (not timed): each job a copy of a real one, PROCESSING; as-routed, the item that
  // names a task's job, as vodflow indexes it.
  await limit(tasks, 16, async (task, i) => {
    const { Item } = await dynamo.send(new GetItemCommand({ TableName: table, Key: { jobId: { S: task.jobId } }, ConsistentRead: true }));
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
  // Two threads, as two environments: the webhook in one, the queue functions in the other.
  const workers = (['webhook', 'queues'] as const).map((side) =>
    tsWorker(new URL('./webhook-floor-worker.ts', import.meta.url), {
      ...config,
      roles: side === 'webhook' ? ['webhook'] : ['forward', 'classify'],
    } satisfies FloorConfig),
  );
  const [port] = await Promise.all(workers.map((w) => reply<number>(w, 'port')));
  const url = new URL(`http://127.0.0.1:${port}/vod/callback`);
  // The callback VOD sent, with the jobId an API 3.0 task's SessionContext can carry (leanest only).
  const bodies = tasks.map((task, i) =>
    JSON.stringify({ ...(routing === 'leanest' ? { jobId: jobIds[i] } : {}), vodTaskId: task.vodTaskId, callback: JSON.parse(task.body) }),
  );
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const seen = new Map<string, number>();
  let duplicates = 0;
  const drain = drainEvents(sqs, queues.events, (e) => (seen.has(e.subject) ? duplicates++ : seen.set(e.subject, e.sentAt)), 100);
  try {
    const idleMsPerS = await idleCpuPerSecond(quick ? 500 : 2000);
    const sentAt: number[] = new Array(total);
    const functionsBefore = workers.map((w) => w.performance.eventLoopUtilization());
    const mainBefore = performance.eventLoopUtilization();
    const dynaliteBefore = dynaliteThreadBusyMs();
    const cpuBefore = process.cpuUsage();
    const phaseStart = performance.now();
    const firstSend = Date.now();
    const { statuses } = await openLoop(
      total,
      perSecond,
      (i) => post(agent, url, bodies[i]!),
      (i) => void (sentAt[i] = Date.now()),
    );
    await until(() => seen.size >= total, Math.max(60_000, total * 200), 100);
    const cpu = process.cpuUsage(cpuBefore);
    const threads = {
      functionsMs: workers.map((w, i) => w.performance.eventLoopUtilization(functionsBefore[i]).active / total),
      mainMs: performance.eventLoopUtilization(mainBefore).active / total,
      dynaliteMs: (dynaliteThreadBusyMs() - dynaliteBefore) / total,
    };
    const idle = (idleMsPerS * (performance.now() - phaseStart)) / 1000;
    const latencies = jobIds.flatMap((jobId, i) => (seen.has(jobId) ? [seen.get(jobId)! - sentAt[i]!] : []));
    // A floor that drops work would price less than the chain: no verdict from it.
    if (latencies.length < total || statuses[200] !== total)
      throw new Error(
        `the ${routing} floor pipeline lost ${total - latencies.length} of ${total} callbacks (answers ${answers(statuses)})`,
      );
    const lastEvent = Math.max(...seen.values());
    const barePost = await callCost(quick ? 50 : 1000, 16, () => post(agent, new URL('/noop', url), bodies[0]!));
    return {
      barePostMs: barePost.ms,
      routing,
      total,
      latencies,
      p99: percentile(latencies, 99),
      drainPerS: (total * 1000) / Math.max(1, lastEvent - firstSend),
      cpuMs: ((cpu.user + cpu.system) / 1000 - idle) / total,
      threads,
      duplicates,
      statuses,
    };
  } finally {
    for (const worker of workers) {
      worker.postMessage('stop');
      await reply(worker, 'stopped');
      await worker.terminate();
    }
    await drain.stop();
    agent.destroy();
  }
}
