// Spawning ffmpeg/ffprobe: each child leads its own process group, so a timeout, an abort or the
// engine's close() kills the whole group with SIGKILL, and the promise settles only after the
// child has been reaped ('close'), so no zombie and no orphan is left behind. Output is bounded.
import { spawn } from 'node:child_process';
import type { Tool } from './binaries';

export interface RunOptions {
  /** Kill the process after this many milliseconds. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Bytes of stderr kept (the head: ffmpeg's first complaint is the cause). Default 64 KiB. */
  stderrLimit?: number;
  /** Bytes of stdout kept (ffprobe JSON). Default 16 MiB. */
  stdoutLimit?: number;
  onSpawn?: (pid: number) => void;
  cwd?: string;
}

export interface RunResult {
  pid: number;
  exitCode: number | null;
  /** Set when the process died of a signal we did not send (a crash). */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  stderrTruncated: boolean;
  durationMs: number;
}

export class RunTimeoutError extends Error {
  override readonly name = 'RunTimeoutError';
  constructor(
    readonly pid: number,
    readonly timeoutMs: number,
    readonly stderr: string,
  ) {
    super(`process ${pid} killed after ${timeoutMs} ms`);
  }
}

export class RunAbortedError extends Error {
  override readonly name = 'RunAbortedError';
  constructor(
    readonly pid: number | undefined,
    readonly reason: unknown,
  ) {
    super(`process ${pid ?? '(not started)'} aborted: ${reason instanceof Error ? reason.message : String(reason)}`);
  }
}

export class RunSpawnError extends Error {
  override readonly name = 'RunSpawnError';
  constructor(
    readonly file: string,
    cause: Error,
  ) {
    super(`cannot run ${file}: ${cause.message}`, { cause });
  }
}

/** Process groups still alive, killed if this Node process exits first. */
const liveGroups = new Set<number>();
let exitHookInstalled = false;

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const pid of liveGroups) killGroup(pid);
  });
}

/** Pids of the children currently running (for stats and tests). */
export const runningPids = (): number[] => [...liveGroups];

class Bounded {
  private chunks: Buffer[] = [];
  private size = 0;
  truncated = false;
  constructor(private readonly limit: number) {}
  push(chunk: Buffer): void {
    const room = this.limit - this.size;
    if (room <= 0) {
      this.truncated = true;
      return;
    }
    const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
    if (part !== chunk) this.truncated = true;
    this.chunks.push(part);
    this.size += part.length;
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

export function runProcess(tool: Tool | string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const file = typeof tool === 'string' ? tool : tool.path;
  const env = typeof tool === 'string' ? process.env : { ...process.env, ...tool.env };
  const { signal } = opts;
  if (signal?.aborted) return Promise.reject(new RunAbortedError(undefined, signal.reason));
  installExitHook();
  const started = Date.now();
  return new Promise<RunResult>((resolve, reject) => {
    const child = spawn(file, args, { cwd: opts.cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const stdout = new Bounded(opts.stdoutLimit ?? 16 * 1024 * 1024);
    const stderr = new Bounded(opts.stderrLimit ?? 64 * 1024);
    child.stdout.on('data', (c: Buffer) => stdout.push(c));
    child.stderr.on('data', (c: Buffer) => stderr.push(c));
    let stopped: { kind: 'timeout' } | { kind: 'abort'; reason: unknown } | undefined;
    let spawnError: Error | undefined;
    const pid = child.pid;
    // Once reaped, the pid may be reused: never signal it again after 'exit'.
    let exited = false;
    const stop = (why: NonNullable<typeof stopped>) => {
      if (stopped) return;
      stopped = why;
      if (pid !== undefined && !exited) killGroup(pid);
    };
    const timer = opts.timeoutMs !== undefined ? setTimeout(() => stop({ kind: 'timeout' }), opts.timeoutMs) : undefined;
    const onAbort = () => stop({ kind: 'abort', reason: signal?.reason });
    signal?.addEventListener('abort', onAbort, { once: true });
    if (pid !== undefined) {
      liveGroups.add(pid);
      opts.onSpawn?.(pid);
    }
    let settled = false;
    const cleanup = () => {
      settled = true;
      if (timer) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    child.on('error', (err) => {
      spawnError = err;
      // Never started (ENOENT, EACCES): there will be nothing to reap.
      if (pid === undefined && !settled) {
        cleanup();
        reject(new RunSpawnError(file, err));
      }
    });
    child.on('exit', () => {
      exited = true;
      if (pid !== undefined) liveGroups.delete(pid);
    });
    child.on('close', (exitCode, exitSignal) => {
      if (settled) return;
      cleanup();
      if (stopped?.kind === 'timeout') return reject(new RunTimeoutError(pid ?? -1, opts.timeoutMs ?? 0, stderr.text()));
      if (stopped?.kind === 'abort') return reject(new RunAbortedError(pid, stopped.reason));
      if (spawnError) return reject(new RunSpawnError(file, spawnError));
      resolve({
        pid: pid ?? -1,
        exitCode,
        signal: exitSignal,
        stdout: stdout.text(),
        stderr: stderr.text(),
        stderrTruncated: stderr.truncated,
        durationMs: Date.now() - started,
      });
    });
  });
}
