// The local web console on the HTTP API's port: /console/ serves the page (console/ at the
// repository root), /console/api/ what it reads. Loopback Host names only, so a page elsewhere
// cannot reach it through DNS rebinding; the API needs the stack's API key.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HttpMount } from '../runtime/http-gateway';
import { ApiError, apiHandler, sendJson, type ApiContext } from './api';
import { mediaTools } from './ops';
import { serveStatic } from './static';
import { subTaskSource, type VodAccess } from './subtasks';
import { consoleTarget, type TargetSource } from './target';
import { JobWatch } from './watch';

export interface ConsoleOptions extends TargetSource {
  apiKeys: readonly string[];
  emulator: ApiContext['emulator'];
  buckets: readonly string[];
  s3Endpoint: string;
  subscribers: readonly string[];
  ffmpegPath?: string;
  ffprobePath?: string;
  /** How to ask VOD for a task's per-definition state (the emulator, with the stack's account). */
  vod?: VodAccess;
  /** Shown on the page: what runs here (no secrets). */
  info: Record<string, unknown>;
  log: (message: string) => void;
}

export interface LocalConsole {
  /** http://127.0.0.1:PORT/console/ */
  url: string;
  mount: HttpMount;
  close(): Promise<void>;
}

const LOOPBACK = /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/i;

export function createConsole(options: ConsoleOptions): LocalConsole {
  const target = consoleTarget(options);
  const faults = { current: {} };
  const subTasks = subTaskSource(options.vod, () => faults.current);
  const watch = new JobWatch(target, subTasks, options.log);
  const api = apiHandler({
    target,
    watch,
    queues: options.queues,
    apiKeys: options.apiKeys,
    emulator: options.emulator,
    relay: { s3Endpoint: options.s3Endpoint, buckets: options.buckets },
    subscribers: options.subscribers,
    tools: mediaTools(options),
    info: options.info,
    faults,
    subTasks,
  });

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (!LOOPBACK.test(req.headers.host ?? '')) throw new ApiError(403, 'forbidden', 'the console answers only on 127.0.0.1 / localhost');
    if (url.pathname === '/console') {
      res.writeHead(308, { location: '/console/' });
      return void res.end();
    }
    const rest = url.pathname.slice('/console'.length);
    if (rest.startsWith('/api/')) return api(req, res, rest.slice('/api'.length), url.searchParams);
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new ApiError(405, 'method_not_allowed', 'the console files are read with GET');
    return serveStatic(req, res, rest);
  }

  const mount: HttpMount = (req, res) => {
    const url = new URL(req.url ?? '/', 'http://local');
    if (url.pathname !== '/console' && !url.pathname.startsWith('/console/')) return false;
    handle(req, res, url).catch((error: unknown) => {
      const known = error instanceof ApiError;
      if (!known) options.log(`[console] ${req.method} ${url.pathname}: ${(error as Error).stack ?? String(error)}`);
      if (res.headersSent) return void res.destroy();
      // The body may be unread (a refused upload): this connection cannot carry another request.
      if (!req.complete) res.setHeader('connection', 'close');
      sendJson(res, known ? error.status : 500, {
        error: { code: known ? error.code : 'internal', message: known ? error.message : (error as Error).message },
      });
    });
    return true;
  };

  return {
    url: `${options.httpApi}/console/`,
    mount,
    close: async () => {
      await watch.close();
      target.close();
    },
  };
}
