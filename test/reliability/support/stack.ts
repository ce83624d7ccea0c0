// One local stack per test file (handler modules cache config per process): serverless.yml with
// compressed time limits, the VOD emulator behind a recording proxy, every line of output
// captured, and the user's view of it — POST /uploads + PUT, GET /jobs/{id}, the events queue.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { StartEmulatorOptions } from '../../../emulator';
import { makeClip } from '../../../emulator/media/fixtures';
import type { LocalStack, LocalStackOptions } from '../../../local';
import { captureOutput, type Capture } from './capture';
import { writeConfigVariant, type TimeLimits } from './config-variant';
import { collectEvents, submitClip } from './user';
import { startVodProxy, type VodProxy } from './vod-proxy';

export interface DownstreamEvent {
  id: string;
  type: string;
  subject: string;
  time: string;
  data: {
    attempts: number;
    error?: { code: number; retryable: boolean; message_en: string; cause: string | null; stage: string | null };
    [k: string]: unknown;
  };
}

export interface JobItem {
  jobId: string;
  status: string;
  attempt: number;
  updatedAt: string;
  createdAt: string;
  vodTaskId?: string;
  pullTaskId?: string;
  fileId?: string;
  error?: { code: number; retryable: boolean; attempts: number; message_en: string; cause: string | null };
  eventDeliveredTo?: Set<string> | string[];
  [k: string]: unknown;
}

export interface RelStackOptions {
  limits?: TimeLimits;
  env?: Record<string, string>;
  callbackMode?: LocalStackOptions['callbackMode'];
  emulator?: Omit<StartEmulatorOptions, 'dataDir' | 'callbackUrl' | 'callbackMode' | 'port'>;
  dataDir?: string;
  scheduleTimeScale?: number;
  /** Reuse a capture started earlier (e.g. before a child stack). */
  capture?: Capture;
}

export interface RelStack {
  local: LocalStack;
  proxy: VodProxy;
  capture: Capture;
  sqs: SQSClient;
  clip: Buffer;
  work: string;
  /** A request to the HTTP API; the answer text is kept for the secrets check. */
  api(route: string, init?: RequestInit & { apiKey?: string | null }): Promise<{ status: number; text: string; json: any }>;
  /** POST /uploads + PUT, as a user does; resolves with the jobId. */
  submit(filename: string, bytes?: Buffer): Promise<string>;
  events: DownstreamEvent[];
  jobs(): Promise<JobItem[]>;
  /** Until every job is terminal with its event on the queue (or the time is up). */
  settle(jobIds: string[], timeoutMs: number): Promise<JobItem[]>;
  depth(queueLogicalId: string): Promise<number>;
  /** 5xx answers the HTTP API gave this run's requests (uploads included). */
  http5xx(): number;
  close(): Promise<void>;
}

/** Small, fast defaults for every scenario; each may override. */
export const FAST_ENV: Record<string, string> = {
  POWERTOOLS_LOG_LEVEL: 'INFO',
  VOD_DEFINITIONS: '10',
  VOD_TIMEOUT_MS: '2000',
  POLL_BASE_DELAY_S: '1',
  POLL_MAX_DELAY_S: '4',
  RETRY_BASE_DELAY_S: '1',
  RETRY_MAX_DELAY_S: '4',
  MAX_ATTEMPTS: '3',
  PULL_EVENTS_RESERVE_MS: '1000',
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every job item of the table (TASK# lookup items left out). */
export async function scanJobs(ddb: DynamoDBDocumentClient, table: string): Promise<JobItem[]> {
  const items: JobItem[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await ddb.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start, ConsistentRead: true }));
    items.push(...((out.Items ?? []) as JobItem[]).filter((i) => i.kind === 'job'));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

export async function startRelStack(options: RelStackOptions = {}): Promise<RelStack> {
  const capture = options.capture ?? captureOutput();
  const work = mkdtempSync(path.join(tmpdir(), 'vodflow-reliability-'));
  const configFile = writeConfigVariant(work, options.limits ?? { functionTimeoutS: 10, visibilityTimeoutS: 16 });
  const clipFile = await makeClip({ path: path.join(work, 'clip.mp4'), seconds: 1, width: 160, height: 120 });
  const proxy = await startVodProxy();
  const { startLocalStack } = await import('../../../local');
  const vodEndpoint = `${proxy.url}/v2/index.php`;
  const local = await startLocalStack({
    configFile,
    dataDir: options.dataDir,
    logLevel: 'error',
    callbackMode: options.callbackMode ?? 'http',
    scheduleTimeScale: options.scheduleTimeScale,
    emulator: { mediaConcurrency: 2, ...(options.emulator ?? {}) },
    env: { ...FAST_ENV, VOD_ENDPOINT: vodEndpoint, VOD_UPLOAD_ENDPOINT: vodEndpoint, ...(options.env ?? {}) },
  });
  proxy.setTarget(local.emulator!.url);
  const aws = { region: local.region, credentials: local.credentials };
  const sqs = new SQSClient({ ...aws, endpoint: local.endpoints.sqs });
  const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({ ...aws, endpoint: local.endpoints.dynamodb }));

  let server5xx = 0;
  const collector = collectEvents(sqs, local.queues.EventsQueue!.url, (body) => capture.extra.push(body));
  const events = collector.events;

  const api: RelStack['api'] = async (route, init = {}) => {
    const { apiKey = local.secrets.apiKey, ...rest } = init;
    const headers = new Headers(rest.headers);
    if (apiKey !== null && !headers.has('x-api-key')) headers.set('x-api-key', apiKey);
    if (rest.body !== undefined && !headers.has('content-type')) headers.set('content-type', 'application/json');
    const res = await fetch(`${local.endpoints.httpApi}${route}`, { ...rest, headers });
    const text = await res.text();
    capture.extra.push(text);
    if (res.status >= 500) server5xx++;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, text, json };
  };

  const clip = readFileSync(clipFile);
  const submit: RelStack['submit'] = (filename, bytes = clip) =>
    submitClip(local.endpoints.httpApi, local.secrets.apiKey, filename, bytes, (text, status) => {
      capture.extra.push(text);
      if (status >= 500) server5xx++;
    });

  const jobs = () => scanJobs(ddb, local.table!);

  const delivered = (j: JobItem) => [...(j.eventDeliveredTo ?? [])].includes('sqs');
  const settle: RelStack['settle'] = async (jobIds, timeoutMs) => {
    const until = Date.now() + timeoutMs;
    const wanted = new Set(jobIds);
    for (;;) {
      const mine = (await jobs()).filter((j) => wanted.has(j.jobId));
      const done = mine.filter((j) => (j.status === 'SUCCEEDED' || j.status === 'FAILED') && delivered(j));
      const eventsIn = new Set(events.map((e) => e.subject));
      if (done.length === wanted.size && [...wanted].every((id) => eventsIn.has(id))) return mine;
      if (Date.now() > until) return mine;
      await sleep(250);
    }
  };

  const depth: RelStack['depth'] = async (id) => {
    const { Attributes = {} } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: local.queues[id]!.url,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
      }),
    );
    return (
      Number(Attributes.ApproximateNumberOfMessages ?? 0) +
      Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0) +
      Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0)
    );
  };

  let closed = false;
  return {
    local,
    proxy,
    capture,
    sqs,
    clip,
    work,
    api,
    submit,
    events,
    jobs,
    settle,
    depth,
    http5xx: () => server5xx,
    async close() {
      if (closed) return;
      closed = true;
      await collector.stop();
      sqs.destroy();
      ddb.destroy();
      await local.close();
      await proxy.close();
      capture.stop();
      rmSync(work, { recursive: true, force: true });
    },
  };
}
