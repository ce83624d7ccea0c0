// Runs every function of the model with Lambda semantics: SQS event source mappings, the HTTP
// API, schedules. Handlers are imported in-process (tsx/vitest make .ts importable), after the
// caller has set the shared environment.
import type { SQSClient } from '@aws-sdk/client-sqs';
import { startHttpGateway, type HttpGateway, type HttpMount } from './http-gateway';
import { FunctionInvoker, type InvocationResult } from './invoker';
import type { Provisioned } from '../aws/provision';
import { withDeadline } from './deadline';
import { Scheduler } from './scheduler';
import type { StackModel } from '../serverless/model';
import { SqsPoller } from './sqs-poller';

export interface RuntimeOptions {
  model: StackModel;
  provisioned: Provisioned;
  sqs: SQSClient;
  /** Concurrency of functions without reservedConcurrency (2 cores: keep it small). */
  defaultConcurrency?: number;
  /**
   * Concurrency of HTTP-API-only functions without reservedConcurrency (default 16). Lambda gives
   * each concurrent request an environment of its own, so a request does not queue behind another
   * one's invocation; in one event loop, concurrency costs no CPU, and 2 slots would make a burst of
   * callbacks wait in the gateway while the queues behind it run nearly empty (one receive and one
   * delete per message instead of per batch of up to 10).
   */
  httpConcurrency?: number;
  httpPort?: number;
  /** Start schedule timers (trigger() works either way). */
  schedules?: boolean;
  scheduleTimeScale?: number;
  log: (message: string) => void;
}

export interface Runtime {
  httpUrl: string;
  invokers: ReadonlyMap<string, FunctionInvoker>;
  pollers: readonly SqsPoller[];
  /** Invoke a function directly with any event (like `sls invoke local`). */
  invoke(functionKey: string, event: unknown): Promise<InvocationResult>;
  triggerSchedule(name: string): Promise<InvocationResult[]>;
  /** Queue logical ids that have a consumer. */
  consumedQueues: string[];
  busy(): boolean;
  /** Extra paths on the HTTP API's port (the local console). */
  mountHttp(handler: HttpMount): void;
  /** Stops pollers and timers, waits for in-flight invocations up to `deadlineMs`, closes the HTTP server. */
  close(deadlineMs?: number): Promise<void>;
}

export async function startRuntime(options: RuntimeOptions): Promise<Runtime> {
  const { model, provisioned, log } = options;
  const invokers = new Map<string, FunctionInvoker>();
  for (const fn of model.functions) {
    const httpOnly = fn.http.length > 0 && fn.sqs.length === 0 && fn.schedules.length === 0;
    const maxConcurrency = fn.reservedConcurrency ?? (httpOnly ? (options.httpConcurrency ?? 16) : (options.defaultConcurrency ?? 2));
    if (maxConcurrency === 0) {
      log(`[runtime] ${fn.key} has reservedConcurrency 0 (throttled): not started`);
      continue;
    }
    invokers.set(
      fn.key,
      new FunctionInvoker(fn, { baseDir: model.baseDir, region: model.region, accountId: model.accountId, maxConcurrency, log }),
    );
  }
  // Cold-start every handler now: a handler that cannot load fails the start with its own error.
  for (const invoker of invokers.values()) await invoker.load();

  const pollers: SqsPoller[] = [];
  const parallelism: number[] = [];
  const consumedQueues: string[] = [];
  for (const invoker of invokers.values()) {
    for (const event of invoker.fn.sqs) {
      if (!event.enabled) continue;
      const poller = new SqsPoller({
        sqs: options.sqs,
        invoker,
        event,
        queueUrl: provisioned.queueUrls[event.queueLogicalId]!,
        queueArn: provisioned.queueArns[event.queueLogicalId]!,
        region: model.region,
        log,
      });
      pollers.push(poller);
      // Lambda scales pollers up to the function's concurrency (or the mapping's maximumConcurrency).
      parallelism.push(Math.min(invoker.concurrency, event.maximumConcurrency ?? Infinity));
      consumedQueues.push(event.queueLogicalId);
    }
  }

  const gateway: HttpGateway = await startHttpGateway({
    invokers: [...invokers.values()],
    accountId: model.accountId,
    cors: model.httpCors,
    port: options.httpPort,
    log,
  });
  const scheduler = new Scheduler([...invokers.values()], {
    region: model.region,
    accountId: model.accountId,
    timeScale: options.scheduleTimeScale,
    log,
  });
  pollers.forEach((poller, i) => poller.start(parallelism[i]!));
  if (options.schedules !== false) scheduler.start();

  let closed = false;
  return {
    httpUrl: gateway.url,
    invokers,
    pollers,
    consumedQueues,
    invoke: (functionKey, event) => {
      const invoker = invokers.get(functionKey);
      if (!invoker) throw new Error(`no function ${functionKey} (known: ${[...invokers.keys()].join(', ')})`);
      return invoker.invoke(event);
    },
    triggerSchedule: (name) => scheduler.trigger(name),
    mountHttp: (handler) => gateway.mount(handler),
    busy: () => scheduler.busy || pollers.some((p) => p.busy) || [...invokers.values()].some((inv) => inv.busy > 0),
    close: async (deadlineMs = 10_000) => {
      if (closed) return;
      closed = true;
      const until = Date.now() + deadlineMs;
      const remaining = () => Math.max(0, until - Date.now());
      await withDeadline(Promise.all([scheduler.stop(), ...pollers.map((p) => p.stop())]), remaining());
      await gateway.close();
      let left = 0;
      for (const invoker of invokers.values()) left += await invoker.drain(remaining());
      if (left) log(`[runtime] ${left} invocation(s) still running after the ${deadlineMs} ms stop deadline`);
    },
  };
}
