// The local VOD v2 emulator: general API, data-upload API, client upload, media files and
// events on one port, state in a data dir. `startEmulator` is what tests, `vodflow emulator`
// and `vodflow dev` call.
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccountBook, DEV_ACCOUNT } from './accounts';
import { CLIENT_UPLOAD_ACTIONS, GENERAL_ACTIONS, UPLOAD_ACTIONS } from './actions';
import type { EmulatorContext, EmulatorSettings, Limits, Logger } from './context';
import { optionsFromEnv } from './env';
import { EventBus } from './events/bus';
import { EventQueue } from './events/queue';
import { Faults, type FaultOptions } from './faults';
import { createMediaEngine } from './media';
import { RateLimiter, type RateLimitOptions } from './rate-limits';
import { ReplayGuard } from './replay';
import { createEmulatorServer } from './server';
import { Stats } from './stats';
import { Store } from './store';
import { imageSpriteExecutor, snapshotExecutor, transcodeExecutor } from './tasks/media-tasks';
import { clipExecutor, concatExecutor } from './tasks/edit';
import { procedureExecutor } from './tasks/procedure';
import { pullExecutor } from './tasks/pull';
import { TaskRunner } from './tasks/runner';
import type { Account, CallbackMode } from './types';

export { DEV_ACCOUNT } from './accounts';
export { optionsFromEnv } from './env';
export type { Account, CallbackMode } from './types';
export type { FaultOptions } from './faults';
export type { RateLimitOptions } from './rate-limits';
export type { Limits, Logger } from './context';

export interface StartEmulatorOptions {
  /** 0 = any free port (default 0). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** State and media; a temporary dir (removed on close) if absent. */
  dataDir?: string;
  /** Default: [DEV_ACCOUNT] (plus VOD_EMULATOR_ACCOUNTS). */
  accounts?: Account[];
  /** Defaults for accounts without their own callback settings. */
  callbackUrl?: string;
  callbackMode?: CallbackMode;
  /** Let MultiPullVodFile reach private addresses (loopback is always allowed). */
  allowPrivatePullHosts?: boolean;
  faults?: FaultOptions;
  /**
   * Per-action quotas (4400 past them): on by default at the documented values (100 calls/min,
   * PullEvent/ConfirmEvent 1000, UploadPart 10000); false = off. Also VOD_EMULATOR_RATE_LIMITS.
   */
  rateLimits?: RateLimitOptions;
  mediaConcurrency?: number;
  mediaTaskTimeoutMs?: number;
  /**
   * Run the media tools' self-check now, beside the start-up, rather than at the first media task
   * (the local stack does: a first job should not wait ~0.3 s for it). Default false.
   */
  checkToolsAtStart?: boolean;
  ffmpegPath?: string;
  ffprobePath?: string;
  /** Base of the media URLs when the emulator is reached through another address. */
  publicUrl?: string;
  limits?: Partial<Limits>;
  /** ConvertVodFile's definitions (the "console settings"); default [10, 20]. */
  defaultDefinitions?: number[];
  /** PullEvent long-poll hold (default 5000 ms). */
  pullEventHoldMs?: number;
  /** An unconfirmed event comes back after this long (default 30000 ms). */
  eventRedeliveryMs?: number;
  callbackTimeoutMs?: number;
  callbackRetries?: number;
  callbackRetryDelayMs?: number;
  taskConcurrency?: number;
  /**
   * Timestamp window for replay protection (default 7200 s): "Timestamp 与腾讯服务器相差不能超过 2 小时"
   * in VOD's own copy of the error codes (reference §3.1); the later CAM-era page says 5 minutes
   * (§3.2, §3.3: the live window is UNCONFIRMED). Set 300 to test the stricter reading.
   */
  timestampWindowSeconds?: number;
  /** Default: warnings and errors on stderr. false = silent. */
  log?: Logger | false;
  /** Environment read for defaults (VOD_EMULATOR_*); false = none. Default process.env. */
  env?: NodeJS.ProcessEnv | false;
}

export interface EmulatorStats {
  requests: number;
  /** Answers by code (HTTP 503 counted as 503). */
  codes: Record<string, number>;
  actions: Record<string, number>;
  faultsInjected: Record<string, number>;
  connectionsDropped: number;
  tasks: Record<string, number>;
  callbacksDelivered: number;
  callbacksFailed: number;
  queuedEvents: number;
}

export interface RunningEmulator {
  /** http://HOST:PORT */
  url: string;
  /** url + '/v2/index.php' */
  endpoint: string;
  /** The data-upload API (same port): url + '/v2/index.php'. */
  uploadEndpoint: string;
  dataDir: string;
  accounts: Account[];
  close(): Promise<void>;
  setFaults(faults: FaultOptions): void;
  setCallback(url: string | undefined, mode: CallbackMode, appId?: number): void;
  /**
   * Queues an event for reliable mode as VOD would send it, for what no task here produces: a
   * 2.0 `{version, eventType, data}` or a 3.0 EventContent (`EventType`…), given to PullEvents as is.
   */
  queueEvent(eventContent: Record<string, unknown>, appId?: number): void;
  /** The media tools' self-check (run once): undefined when ffmpeg and ffprobe work, else what is broken. */
  checkTools(): Promise<string | undefined>;
  stats(): EmulatorStats;
}

export const DEFAULT_LIMITS: Limits = {
  maxBodyBytes: 1024 * 1024,
  maxQueryBytes: 64 * 1024,
  maxParams: 2000,
  maxPartBytes: 16 * 1024 * 1024,
  maxFileBytes: 20 * 1024 ** 3,
  minDataSize: 1024,
  maxDataSize: 16 * 1024 * 1024,
  maxPullBytes: 2 * 1024 ** 3,
};

const defaultLog: Logger = (level, message, fields) => {
  if (level === 'info') return;
  process.stderr.write(`[vodflow emulator] ${level}: ${message}${fields ? ` ${JSON.stringify(fields)}` : ''}\n`);
};

const defined = <T extends object>(o: T): Partial<T> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

export async function startEmulator(options: StartEmulatorOptions = {}): Promise<RunningEmulator> {
  const opts = { ...(options.env === false ? {} : optionsFromEnv(options.env ?? process.env)), ...defined(options) };
  const log: Logger = opts.log === false ? () => {} : (opts.log ?? defaultLog);
  const tempDir = opts.dataDir ? undefined : mkdtempSync(join(tmpdir(), 'vodflow-emulator-'));
  const dataDir = opts.dataDir ?? tempDir!;
  const settings: EmulatorSettings = {
    limits: { ...DEFAULT_LIMITS, ...defined(opts.limits ?? {}) },
    allowPrivatePullHosts: opts.allowPrivatePullHosts ?? false,
    defaultDefinitions: opts.defaultDefinitions ?? [10, 20],
    timestampWindowSeconds: opts.timestampWindowSeconds ?? 7200,
    pullEventHoldMs: opts.pullEventHoldMs ?? 5000,
    eventRedeliveryMs: opts.eventRedeliveryMs ?? 30_000,
    callbackTimeoutMs: opts.callbackTimeoutMs ?? 5000,
    callbackRetries: opts.callbackRetries ?? 2,
    callbackRetryDelayMs: opts.callbackRetryDelayMs ?? 1000,
    taskConcurrency: opts.taskConcurrency ?? 2,
  };
  const store = new Store(dataDir, (m) => log('warn', m));
  const accounts = new AccountBook(opts.accounts ?? [{ ...DEV_ACCOUNT }], {
    callbackUrl: opts.callbackUrl,
    callbackMode: opts.callbackMode,
  });
  const faults = new Faults(opts.faults ?? {});
  const replay = new ReplayGuard(settings.timestampWindowSeconds);
  const known = (a: string) => GENERAL_ACTIONS.has(a) || UPLOAD_ACTIONS.has(a) || CLIENT_UPLOAD_ACTIONS.has(a);
  const stats = new Stats(known);
  const engine = createMediaEngine({
    concurrency: opts.mediaConcurrency ?? 2,
    taskTimeoutMs: opts.mediaTaskTimeoutMs,
    ffmpegPath: opts.ffmpegPath,
    ffprobePath: opts.ffprobePath,
  });
  // A failure is kept by the engine and answered by the first media task (as 30010).
  if (opts.checkToolsAtStart) engine.checkTools().catch(() => undefined);
  let baseUrl = '';
  const queue = new EventQueue(store, () => settings.eventRedeliveryMs);
  const events = new EventBus(accounts, queue, settings, () => baseUrl, log);
  const rateLimits = new RateLimiter(opts.rateLimits ?? {});
  const ctx: EmulatorContext = {
    settings,
    store,
    accounts,
    engine,
    faults,
    rateLimits,
    events,
    log,
    baseUrl: () => baseUrl,
    runner: undefined as never,
  };
  ctx.runner = new TaskRunner(
    () => ctx,
    {
      procedure: procedureExecutor,
      transcode: transcodeExecutor,
      pull: pullExecutor,
      clip: clipExecutor,
      concat: concatExecutor,
      snapshotByTimeOffset: snapshotExecutor,
      imageSprite: imageSpriteExecutor,
    },
    settings.taskConcurrency,
  );
  pruneExpired(ctx);

  const server = createEmulatorServer(ctx, replay, stats);
  const host = opts.host ?? '127.0.0.1';
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    store.close();
    await engine.close();
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    throw err;
  }
  const { port } = server.address() as AddressInfo;
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const url = `http://${urlHost}:${port}`;
  baseUrl = (opts.publicUrl ?? url).replace(/\/+$/, '');
  ctx.runner.start();

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      server.close();
      queue.wakeAll();
      server.closeIdleConnections();
      const stopped = ctx.runner.close();
      await engine.close();
      await stopped;
      await events.close();
      store.close();
      server.closeAllConnections();
      if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    })());

  return {
    url,
    endpoint: `${url}/v2/index.php`,
    uploadEndpoint: `${url}/v2/index.php`,
    dataDir,
    accounts: accounts.all(),
    close,
    setFaults: (f) => faults.set(f),
    setCallback: (cbUrl, mode, appId) => accounts.setCallback(cbUrl, mode, appId),
    queueEvent: (content, appId = accounts.all()[0]!.appId) => queue.push(appId, content),
    checkTools: () => engine.checkTools(),
    stats: () => ({
      requests: stats.requests,
      codes: { ...stats.codes },
      actions: { ...stats.actions },
      faultsInjected: { ...faults.injected },
      connectionsDropped: stats.dropped,
      tasks: ctx.runner.counts(),
      callbacksDelivered: events.delivered,
      callbacksFailed: events.failedDeliveries,
      queuedEvents: store.events.events.length,
    }),
  };
}

/** Tasks are kept 72 h after they finish (reference §4.6); abandoned uploads 7 days. */
function pruneExpired(ctx: EmulatorContext): void {
  const now = Date.now() / 1000;
  const { state } = ctx.store;
  for (const [id, t] of Object.entries(state.tasks)) if (t.status === 'FINISH' && t.finishTime < now - 72 * 3600) delete state.tasks[id];
  for (const [key, s] of Object.entries(state.uploads)) {
    if (s.createTime < now - 7 * 86400) {
      delete state.uploads[key];
      for (const ext of ['bin', 'parts']) rmSync(join(ctx.store.uploadRoot, `${s.appId}-${s.fileSha}.${ext}`), { force: true });
    }
  }
  ctx.store.save();
}
