// Invokes one function's handler in-process with Lambda semantics: its module is imported once
// (cold start), each call gets a fresh context, the function timeout cuts the call off, and a
// concurrency limit (reservedConcurrency or a small default) bounds parallel invocations.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { withDeadline } from './deadline';
import { createLambdaContext } from './lambda-context';
import type { FunctionSpec } from '../serverless/model';

export type Handler = (event: unknown, context: Context, callback?: (error?: unknown, result?: unknown) => void) => unknown;

export type InvocationResult =
  | { ok: true; result: unknown; durationMs: number }
  | { ok: false; error: Error; timedOut: boolean; durationMs: number };

export interface InvokerOptions {
  baseDir: string;
  region: string;
  accountId: string;
  maxConcurrency: number;
  log: (message: string) => void;
}

const EXTENSIONS = ['.ts', '.mts', '.js', '.mjs', '.cjs'];

export class FunctionInvoker {
  private handler: Promise<Handler> | undefined;
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  /** Calls still running, including ones already reported as timed out (they cannot be killed in-process). */
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    readonly fn: FunctionSpec,
    private readonly options: InvokerOptions,
  ) {}

  get busy(): number {
    return this.running + this.waiting.length;
  }

  get concurrency(): number {
    return this.options.maxConcurrency;
  }

  /** Imports the handler module now (so a broken handler fails the stack start, not the first event). */
  load(): Promise<Handler> {
    this.handler ??= loadHandler(this.options.baseDir, this.fn);
    return this.handler;
  }

  /**
   * `stop`, when aborted, ends the invocation's time budget there (getRemainingTimeInMillis → 0),
   * so a handler that works while its budget lasts (pull-events' drain) returns at its next check
   * instead of holding the stack's shutdown. Lambda itself never shortens a running invocation.
   */
  async invoke(event: unknown, { stop }: { stop?: AbortSignal } = {}): Promise<InvocationResult> {
    await this.acquire();
    const started = Date.now();
    try {
      const handler = await this.load();
      const timeoutMs = this.fn.timeoutSeconds * 1000;
      // Read, not listened to: a call that got its turn after the stop sees it too, and no listener is left behind.
      const context = createLambdaContext(this.fn, {
        region: this.options.region,
        accountId: this.options.accountId,
        deadline: () => (stop?.aborted ? Date.now() : started + timeoutMs),
      });
      const call = callHandler(handler, event, context);
      this.track(call);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new TimeoutError(`Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`)), timeoutMs);
      });
      try {
        const result = await Promise.race([call, timeout]);
        return { ok: true, result, durationMs: Date.now() - started };
      } finally {
        clearTimeout(timer);
      }
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      this.options.log(`[${this.fn.key}] ${err instanceof TimeoutError ? err.message : `invocation failed: ${err.stack ?? err.message}`}`);
      return { ok: false, error: err, timedOut: err instanceof TimeoutError, durationMs: Date.now() - started };
    } finally {
      this.release();
    }
  }

  /** Waits for calls still running (also timed-out ones) up to `deadlineMs`; returns how many remain. */
  async drain(deadlineMs: number): Promise<number> {
    const until = Date.now() + deadlineMs;
    while (this.inFlight.size && Date.now() < until) await withDeadline(Promise.allSettled([...this.inFlight]), until - Date.now());
    return this.inFlight.size;
  }

  private track(call: Promise<unknown>): void {
    const tracked = call.catch(() => undefined).finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  private acquire(): Promise<void> {
    if (this.running < this.options.maxConcurrency) {
      this.running++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(() => resolve()));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }
}

export class TimeoutError extends Error {
  override name = 'Sandbox.Timedout';
}

function callHandler(handler: Handler, event: unknown, context: Context): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const callback = (error?: unknown, result?: unknown) => {
      if (settled) return;
      settled = true;
      if (error) reject(error instanceof Error ? error : new Error(String(error)));
      else resolve(result);
    };
    try {
      const returned = handler(event, context, callback);
      if (returned && typeof (returned as Promise<unknown>).then === 'function') {
        (returned as Promise<unknown>).then(
          (value) => callback(undefined, value),
          (error: unknown) => callback(error ?? new Error('handler rejected')),
        );
      } else if (handler.length < 3) {
        callback(undefined, returned); // sync handler without callback: its return value is the result
      }
    } catch (error) {
      callback(error);
    }
  });
}

async function loadHandler(baseDir: string, fn: FunctionSpec): Promise<Handler> {
  const base = path.resolve(baseDir, fn.handlerFile);
  const file = EXTENSIONS.map((ext) => base + ext).find((candidate) => existsSync(candidate));
  if (!file) throw new Error(`${fn.key}: handler file ${fn.handlerFile}{${EXTENSIONS.join(',')}} not found under ${baseDir}`);
  const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const handler = mod[fn.handlerExport] ?? (mod.default as Record<string, unknown> | undefined)?.[fn.handlerExport];
  if (typeof handler !== 'function')
    throw new Error(`${fn.key}: ${path.relative(baseDir, file)} does not export a function named ${fn.handlerExport}`);
  return handler as Handler;
}
