// `vodflow process`: the whole flow on an in-process local stack, for each file concurrently.
import { availableParallelism } from 'node:os';
import { basename, extname, join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DEV_ACCOUNT } from '../../emulator';
import type { DownstreamEvent } from '../../lib/events/contracts';
import { createJobStore } from '../../lib/jobs';
import { startLocalStack, type LocalStack } from '../../local';
import { withDeadline } from '../../local/runtime/deadline';
import { createVodClient } from '../../lib/vod/client';
import { shellQuote } from '../dev/banner';
import { deliveriesSettled, subscriberEnv, subscriberNote } from '../dev/subscribers';
import { createDisplay, type FileState } from './display';
import { fetchJob, watchEvents } from './follow';
import { copyOutputs, outputFolderNames, type CopiedFile } from './outputs';
import { summarize } from './summary';
import { budgeted, fetchSubTasks } from './sub-tasks';
import { mediaToolsLine } from './tools';
import { createUpload, putFile } from './upload';
import { callerVodEnv } from '../caller-env';

export interface ProcessOptions {
  files: string[];
  json: boolean;
  definitions?: number[];
  callbackMode: 'http' | 'reliable' | 'poll';
  /** Where outputs are copied; undefined = do not copy. */
  outDir?: string;
  keep: boolean;
  quiet: boolean;
  /** Give up on a file after this long (its job keeps its state in the stack). */
  timeoutS: number;
  dataDir?: string;
  /** Handler logs (structured JSON) on stdout too. */
  verbose?: boolean;
  /** VOD API version the handlers speak to the emulator (default: the environment's, v2). */
  vodApi?: 'v2' | 'v3';
  /** HTTP subscribers receiving the signed events (--subscriber). */
  subscribers?: string[];
}

export interface FileResult {
  path: string;
  event?: DownstreamEvent;
  error?: string;
}

/** Whether every job with an event has it handed to each subscriber (the outbox's record). */
async function handedOver(stack: LocalStack, results: FileResult[], subscribers: string[]): Promise<boolean> {
  const dynamo = DynamoDBDocumentClient.from(
    new DynamoDBClient({ region: stack.region, endpoint: stack.endpoints.dynamodb, credentials: stack.credentials }),
  );
  try {
    const store = createJobStore({ dynamo, table: stack.table! });
    for (const r of results) {
      if (!r.event) continue;
      const delivered = new Set((await store.getJob(r.event.subject))?.eventDeliveredTo ?? []);
      if (!subscribers.every((url) => delivered.has(url))) return false;
    }
    return true;
  } finally {
    dynamo.destroy();
  }
}

/**
 * How often a shown file's job is read for its progress line. Each read is a GET /jobs/{id}
 * through the HTTP API (a get-job invocation and a DynamoDB read) on the CPU the media work needs,
 * so it is kept to once a second, and skipped when nothing is shown (--quiet).
 */
const PROGRESS_EVERY_MS = 1000;

async function limit<T, R>(items: T[], concurrency: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

/** What a timed-out job's line tells the user to do: its state lives only as long as the stack. */
function whereToLook(jobId: string, dataDir: string | undefined): string {
  if (!dataDir) return 'its state was in memory and is gone with this run: give it a longer --timeout, or --data DIR to keep it';
  const dir = shellQuote(dataDir);
  return `its state is kept in ${dir}: vodflow dev --data ${dir}, then vodflow jobs show ${jobId} --data ${dir}`;
}

export async function runProcess(
  options: ProcessOptions,
  out: NodeJS.WriteStream = process.stdout,
  err: NodeJS.WriteStream = process.stderr,
): Promise<{ exitCode: number; results: FileResult[]; stack?: LocalStack }> {
  const note = (line: string) => !options.quiet && err.write(`${line}\n`);
  note('vodflow: starting the local stack (SQS/S3, DynamoDB, VOD emulator, handlers)…');
  const stack = await startLocalStack({
    // The media tools' self-check runs beside the stack's start, not before the first file's work.
    // Reliable mode: PullEvent holds 1 s, not VOD's 5 s, as the schedules below are compressed too, so
    // that the stop after the last result does not wait out a long poll.
    emulator: { checkToolsAtStart: true, ...(options.callbackMode === 'reliable' ? { pullEventHoldMs: 1000 } : {}) },
    logLevel: 'silent',
    dataDir: options.dataDir,
    callbackMode: options.callbackMode,
    env: {
      // Handler logs (JSON on stdout) would bury the summary, which already says why a file failed.
      POWERTOOLS_LOG_LEVEL: options.verbose ? 'INFO' : 'SILENT',
      ...callerVodEnv({ vodApi: options.vodApi, definitions: options.definitions }),
      ...subscriberEnv(options.subscribers ?? []),
    },
    // Reliable mode: drain PullEvent every 3 s instead of once a minute (the scale multiplies intervals).
    scheduleTimeScale: options.callbackMode === 'reliable' ? 1 / 20 : undefined,
  });
  // Broken media tools would fail every file after its retries (30010) with a retry-helps verdict:
  // say it once, before any upload, with what to change.
  const toolsProblem = await stack.emulator?.checkTools().catch((error: unknown) => `the check itself failed: ${(error as Error).message}`);
  if (toolsProblem) {
    await stack.close();
    throw new Error(
      `the media tools do not work: ${toolsProblem}.\n${mediaToolsLine().trimEnd()}\nInstall ffmpeg (e.g. apt-get install ffmpeg), or point FFMPEG_PATH / FFPROBE_PATH at working binaries, or set VODFLOW_MEDIA_TOOLS=npm for the npm builds.`,
    );
  }
  if (options.verbose)
    note(
      `vodflow:${mediaToolsLine()
        .trimStart()
        .replace(/^media tools\s+/, ' media tools: ')}`,
    );
  const subscriberLines = subscriberNote(options.subscribers ?? [], stack.secrets.eventSigningSecret);
  if (subscriberLines) err.write(subscriberLines);
  const sqs = new SQSClient({ region: stack.region, endpoint: stack.endpoints.sqs, credentials: stack.credentials });
  const vod = createVodClient({
    secretId: DEV_ACCOUNT.secretId,
    secretKey: DEV_ACCOUNT.secretKey,
    endpoint: stack.emulator!.endpoint,
    timeoutMs: 3000,
  });
  const subTasksOf = budgeted((vodTaskId) => fetchSubTasks(vod, vodTaskId));
  const events = watchEvents(sqs, stack.queues.EventsQueue!.url);
  const display = createDisplay(err, !options.quiet);
  const target = { httpApi: stack.endpoints.httpApi, apiKey: stack.secrets.apiKey };

  const folders = outputFolderNames(options.files.map((f) => resolve(f)));
  const follow = async (path: string, state: FileState): Promise<FileResult> => {
    const started = Date.now();
    try {
      const upload = await createUpload(target, path);
      display.update(state, { phase: 'uploading', uploadPercent: 0 });
      await putFile(upload.url, upload.headers, path, (sent) => {
        const percent = Math.floor((sent / Math.max(1, upload.size)) * 100);
        if (percent !== state.uploadPercent) display.update(state, { uploadPercent: percent });
      });
      display.update(state, { phase: 'queued', uploadPercent: 100 });
      const terminal = events.next(upload.jobId);
      let event: DownstreamEvent | undefined;
      const deadline = started + options.timeoutS * 1000;
      // Quiet: just the wait. Else the job's progress once a second until its event.
      while (!event && Date.now() < deadline) {
        if (!options.quiet) {
          const job = await fetchJob(target.httpApi, target.apiKey, upload.jobId);
          if (job?.status === 'UPLOADING') display.update(state, { phase: 'in VOD', progress: job.progress });
          if (job?.status === 'PROCESSING') {
            const subTasks = job.vodTaskId ? await subTasksOf(job.vodTaskId) : [];
            display.update(state, { phase: 'processing', progress: job.progress, subTasks });
          }
        }
        const left = deadline - Date.now();
        event = await withDeadline(terminal, options.quiet ? left : Math.min(PROGRESS_EVERY_MS, left));
      }
      if (!event)
        throw new Error(`no result after ${options.timeoutS} s (job ${upload.jobId}; ${whereToLook(upload.jobId, options.dataDir)})`);
      display.update(
        state,
        event.type === 'vodflow.video.ready'
          ? { phase: 'ready', progress: 100 }
          : { phase: 'failed', detail: `VOD code ${event.data.error.code}` },
      );
      let copied: Map<string, CopiedFile[]> | undefined;
      const outDir = options.outDir && join(options.outDir, folders.get(path) ?? basename(path, extname(path)));
      if (outDir && event.type === 'vodflow.video.ready') copied = await copyOutputs(event, outDir);
      if (options.json) display.above(out, `${JSON.stringify(event)}\n`);
      else display.above(out, `${summarize({ path, event, seconds: (Date.now() - started) / 1000, copied, outDir })}\n\n`);
      return { path, event };
    } catch (error) {
      const message = (error as Error).message;
      display.update(state, { phase: 'failed', detail: message });
      // One clear line for a file that got no event: on stdout, or on stderr with --json (stdout is CloudEvents only).
      if (!options.json) display.above(out, `✘ ${basename(path)}: ${message}\n\n`);
      else display.above(err, `✘ ${basename(path)}: ${message}\n`);
      return { path, error: message };
    }
  };

  let results: FileResult[];
  try {
    const states = options.files.map((file) => display.add(resolve(file)));
    // Uploads and bookkeeping are light; the emulator's own pool bounds the media work by CPU.
    const indexed = options.files.map((file, i) => ({ file: resolve(file), state: states[i]! }));
    results = await limit(indexed, Math.max(2, availableParallelism() * 2), ({ file, state }) => follow(file, state));
  } finally {
    display.stop();
    await events.stop();
  }
  const exitCode = results.every((r) => r.event?.type === 'vodflow.video.ready') ? 0 : 1;
  if (!options.keep && results.some((r) => r.event?.type === 'vodflow.video.ready')) {
    note(
      `vodflow: the play URLs are served only while the stack runs (add --keep to open them)${options.outDir ? `; the files are copied under ${options.outDir}` : ''}.`,
    );
  }
  if (options.keep) {
    note(`vodflow: the stack stays up (Ctrl-C to stop): HTTP API ${stack.endpoints.httpApi}, VOD emulator ${stack.endpoints.emulator}`);
    return { exitCode, results, stack };
  }
  // Subscriber deliveries run after the events (their own queue): let them finish or give up first.
  if (
    options.subscribers?.length &&
    !(await deliveriesSettled(sqs, stack.queues.DeliverQueue!.url, () => handedOver(stack, results, options.subscribers!), 15_000))
  ) {
    err.write('vodflow: some subscriber deliveries were still retrying when the stack stopped (see --keep)\n');
  }
  sqs.destroy();
  await stack.close();
  return { exitCode, results };
}
