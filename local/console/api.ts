// /console/api/*: what the page reads and the few operator actions it may take. Every answer is
// JSON; every request carries the stack's API key (x-api-key), the same key the HTTP API takes.
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as z from 'zod';
import { redrive, RedriveError } from '../../cli/jobs/redrive';
import { findJob, jobJson, renderJob } from '../../cli/jobs/show';
import type { JobsTarget } from '../../cli/jobs/target';
import { faultOptionsSchema, type FaultOptions } from '../../emulator/faults';
import type { RunningEmulator } from '../../emulator';
import { QUEUE_DESTINATION } from '../../lib/events/emit';
import { matchesAny } from '../../lib/http/api-key';
import { isTerminal, JOB_STATUSES } from '../../lib/jobs/types';
import { queueDepths, type ToolView } from './ops';
import { renditionFacts } from './renditions';
import type { SubTaskSource } from '../../cli/process/sub-tasks';
import type { ConsoleQueue } from './target';
import { presignedTarget, relayUpload, type RelayOptions } from './upload-relay';
import type { JobWatch } from './watch';

export interface ApiContext {
  target: JobsTarget;
  watch: JobWatch;
  queues: ConsoleQueue[];
  apiKeys: readonly string[];
  emulator: RunningEmulator | undefined;
  relay: RelayOptions;
  subscribers: readonly string[];
  tools: () => Promise<ToolView[]>;
  info: Record<string, unknown>;
  /** The fault options last set from the console. */
  faults: { current: FaultOptions };
  subTasks: SubTaskSource;
}

const MAX_JSON_BYTES = 64 * 1024;
const idSchema = z.string().regex(/^[\w.#-]{1,128}$/);
const redriveBody = z.object({ queue: z.string().min(1).max(200).optional() }).strict();

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(payload)),
    'cache-control': 'no-store',
  });
  res.end(payload);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_JSON_BYTES) throw new ApiError(413, 'too_large', `the body must be at most ${MAX_JSON_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(400, 'bad_json', 'the body is not JSON');
  }
}

function parse<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const out = schema.safeParse(value);
  if (out.success) return out.data;
  const issue = out.error.issues[0]!;
  throw new ApiError(400, 'invalid_input', `${[where, ...issue.path].join('.')}: ${issue.message}`);
}

async function showJob(ctx: ApiContext, id: string, res: ServerResponse): Promise<void> {
  const found = await findJob(ctx.target, id);
  if (!found.found) throw new ApiError(404, 'not_found', `no job ${id}`);
  if (!found.job) return sendJson(res, 200, { raw: found.raw, problem: found.problem });
  const job = found.job;
  const delivered = new Set(job.eventDeliveredTo ?? []);
  const destinations = job.event
    ? [QUEUE_DESTINATION, ...ctx.subscribers].map((d) => ({
        destination: d === QUEUE_DESTINATION ? 'events queue (SQS)' : d,
        delivered: delivered.has(d),
      }))
    : [];
  sendJson(res, 200, {
    job: jobJson(job),
    viaTask: found.viaTask,
    explained: renderJob(job, found.viaTask),
    observed: ctx.watch.timeline(job.jobId),
    destinations,
    renditions: job.outputs ? await renditionFacts(job.outputs, ctx.emulator?.url) : [],
    tasks: job.vodTaskId ? await ctx.subTasks(job.vodTaskId, { finished: isTerminal(job.status) }) : [],
  });
}

function faultsView(ctx: ApiContext, current: FaultOptions) {
  return { available: Boolean(ctx.emulator), options: current, injected: ctx.emulator?.stats().faultsInjected ?? {} };
}

/** `rest` is the path after /console/api. */
export function apiHandler(ctx: ApiContext) {
  return async (req: IncomingMessage, res: ServerResponse, rest: string, query: URLSearchParams): Promise<void> => {
    const method = req.method ?? 'GET';
    const key = req.headers['x-api-key'];
    if (typeof key !== 'string' || !matchesAny(key, ctx.apiKeys))
      throw new ApiError(401, 'unauthorized', 'a valid x-api-key header is required (the API key `vodflow dev` prints)');

    const job = /^\/jobs\/([^/]+)$/.exec(rest);
    if (method === 'GET' && job) return showJob(ctx, parse(idSchema, decodeURIComponent(job[1]!), 'path.id'), res);
    switch (`${method} ${rest}`) {
      case 'GET /info':
        return sendJson(res, 200, { ...ctx.info, tools: await ctx.tools() });
      case 'GET /jobs': {
        const status = query.get('status');
        if (status && !(JOB_STATUSES as readonly string[]).includes(status))
          throw new ApiError(400, 'invalid_input', `query.status: expected one of ${JOB_STATUSES.join(', ')}`);
        const list = await ctx.watch.list();
        return sendJson(res, 200, { ...list, rows: status ? list.rows.filter((r) => r.status === status) : list.rows });
      }
      case 'GET /stream':
        return ctx.watch.subscribe(res);
      case 'GET /queues':
        return sendJson(res, 200, { queues: await queueDepths(ctx.target, ctx.queues) });
      case 'POST /redrive': {
        const body = parse(redriveBody, await readJson(req), 'body');
        try {
          return sendJson(res, 200, { reports: await redrive(ctx.target, { queue: body.queue }) });
        } catch (error) {
          if (error instanceof RedriveError) throw new ApiError(400, 'invalid_input', error.message);
          throw error;
        }
      }
      case 'GET /faults':
        return sendJson(res, 200, faultsView(ctx, ctx.faults.current));
      case 'PUT /faults': {
        if (!ctx.emulator) throw new ApiError(409, 'no_emulator', 'this stack runs without the VOD emulator: there are no faults to set');
        const options = parse(faultOptionsSchema, await readJson(req), 'body');
        ctx.emulator.setFaults(options);
        ctx.faults.current = options;
        return sendJson(res, 200, faultsView(ctx, options));
      }
      case 'PUT /upload': {
        const target = presignedTarget(query.get('to'), ctx.relay);
        if (!target)
          throw new ApiError(
            400,
            'invalid_input',
            "query.to: must be a presigned PUT URL into the stack's upload bucket (as POST /uploads returns)",
          );
        return relayUpload(req, res, target);
      }
      default:
        throw new ApiError(404, 'not_found', `no console endpoint ${method} /console/api${rest}`);
    }
  };
}
