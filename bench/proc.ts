// Bench helpers run in their own Node process (tsx loaded), talking over the IPC channel: the
// emulator pinned to one core, the load generator on another, the uploader whose peak RSS counts.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));

let tasksetChecked: boolean | undefined;
/** taskset (util-linux) pins a process to CPUs; absent on some systems, and then it is said so. */
export function hasTaskset(): boolean {
  tasksetChecked ??= spawnSync('taskset', ['-c', '0', 'true']).status === 0;
  return tasksetChecked;
}

export interface Child<M> {
  process: ChildProcess;
  /** The next IPC message (rejects if the child exits first). */
  next(): Promise<M>;
  send(message: unknown): void;
  /** Waits for exit; kills it (SIGTERM, then SIGKILL) after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/** `node --import tsx <script>` in the repo, optionally pinned to CPU `cpu` (when taskset exists). */
export function startChild<M = Record<string, unknown>>(
  script: string,
  options: { cpu?: number; env?: NodeJS.ProcessEnv; nodeArgs?: string[]; args?: string[] } = {},
): Child<M> {
  // BENCH_CPU_PROF=<dir>: every helper writes a V8 CPU profile there (node --cpu-prof).
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const node = [
    ...profile,
    ...(options.nodeArgs ?? []),
    '--import',
    'tsx',
    fileURLToPath(new URL(script, import.meta.url)),
    ...(options.args ?? []),
  ];
  const pinned = options.cpu !== undefined && hasTaskset();
  const child = pinned
    ? spawn('taskset', ['-c', String(options.cpu), process.execPath, ...node], {
        cwd: REPO_ROOT,
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        env: { ...process.env, ...options.env },
      })
    : spawn(process.execPath, node, {
        cwd: REPO_ROOT,
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        env: { ...process.env, ...options.env },
      });
  const queue: M[] = [];
  const waiters: Array<{ resolve: (m: M) => void; reject: (e: Error) => void }> = [];
  let exited: Error | undefined;
  child.on('message', (m: M) => {
    const w = waiters.shift();
    if (w) w.resolve(m);
    else queue.push(m);
  });
  const exit = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = new Error(`${script} exited (${signal ?? code}) before answering`);
      for (const w of waiters.splice(0)) w.reject(exited);
      resolve();
    }),
  );
  return {
    process: child,
    next: () => {
      const m = queue.shift();
      if (m !== undefined) return Promise.resolve(m);
      if (exited) return Promise.reject(exited);
      return new Promise((resolve, reject) => waiters.push({ resolve, reject }));
    },
    send: (message) => child.connected && child.send(message as never),
    async stop(graceMs = 5000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      if (child.connected) child.send('close' as never);
      else child.kill('SIGTERM');
      await exit;
      clearTimeout(timer);
    },
  };
}

/** In a child: the message channel to the parent (throws when run without one). */
export function toParent(): { send(message: unknown): void; on(handler: (message: unknown) => void): void } {
  if (!process.send) throw new Error('this bench helper runs as a child of bench/run.ts');
  return {
    send: (message) => process.send!(message as never),
    on: (handler) => process.on('message', handler),
  };
}
