// What actions and task executors share: one object built by startEmulator.
import type { AccountBook } from './accounts';
import type { EventBus } from './events/bus';
import type { Faults } from './faults';
import type { MediaEngine } from './media';
import type { RateLimiter } from './rate-limits';
import type { Store } from './store';
import type { TaskRunner } from './tasks/runner';

export interface Limits {
  /** General API: form body bytes. */
  maxBodyBytes: number;
  maxQueryBytes: number;
  maxParams: number;
  /** Data upload: bytes of one part, and of a whole file. */
  maxPartBytes: number;
  maxFileBytes: number;
  /** Accepted InitUpload dataSize range (the real service: 524288–1048576). */
  minDataSize: number;
  maxDataSize: number;
  /** MultiPullVodFile download cap. */
  maxPullBytes: number;
  /** MultiPullVodFile: the whole download's time limit (default PULL_DEADLINE_MS, tasks/pull.ts). */
  maxPullMs?: number;
}

export interface EmulatorSettings {
  limits: Limits;
  allowPrivatePullHosts: boolean;
  /** Definitions used by ConvertVodFile and procedures' "default" transcode (console settings). */
  defaultDefinitions: number[];
  timestampWindowSeconds: number;
  pullEventHoldMs: number;
  eventRedeliveryMs: number;
  callbackTimeoutMs: number;
  callbackRetries: number;
  callbackRetryDelayMs: number;
  taskConcurrency: number;
}

export type LogLevel = 'info' | 'warn' | 'error';
export type Logger = (level: LogLevel, message: string, fields?: Record<string, unknown>) => void;

export interface EmulatorContext {
  settings: EmulatorSettings;
  store: Store;
  accounts: AccountBook;
  engine: MediaEngine;
  faults: Faults;
  rateLimits: RateLimiter;
  events: EventBus;
  runner: TaskRunner;
  log: Logger;
  /** http://host:port (or the configured public URL), no trailing slash. */
  baseUrl(): string;
}
