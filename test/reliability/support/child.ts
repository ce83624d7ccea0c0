// Starting and killing the child-process stack (support/child-stack.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LocalStack } from '../../../local';

export interface ChildInfo {
  pid: number;
  endpoints: LocalStack['endpoints'];
  ports: { httpApi: number; fauxqs: number; dynamodb: number; emulator: number };
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  table: string;
  queues: LocalStack['queues'];
}

export interface ChildStack {
  info: ChildInfo;
  proc: ChildProcess;
  output: string[];
  exited: Promise<number | null>;
}

const SCRIPT = fileURLToPath(new URL('./child-stack.ts', import.meta.url));

export async function startChildStack(
  input: { configFile: string; dataDir: string; ports?: Partial<ChildInfo['ports']>; env: Record<string, string> },
  timeoutMs = 60_000,
): Promise<ChildStack> {
  const proc = spawn(process.execPath, ['--import', 'tsx', SCRIPT], {
    env: { ...process.env, REL_CHILD: JSON.stringify(input), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  const info = await new Promise<ChildInfo>((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(
      () => reject(new Error(`child stack not up after ${timeoutMs} ms:\n${output.join('').slice(-3000)}`)),
      timeoutMs,
    );
    proc.stdout!.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      output.push(text);
      buffer += text;
      const at = buffer.indexOf('VODFLOW_STACK ');
      if (at >= 0 && buffer.indexOf('\n', at) > 0) {
        clearTimeout(timer);
        resolve(JSON.parse(buffer.slice(at + 14, buffer.indexOf('\n', at))) as ChildInfo);
      }
    });
    proc.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`child stack exited (${code}) before it was up:\n${output.join('').slice(-3000)}`));
    });
  });
  return { info, proc, output, exited };
}

export async function stopChild(child: ChildStack | undefined, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!child || child.proc.exitCode !== null || child.proc.signalCode !== null) return;
  child.proc.kill(signal);
  const timer = setTimeout(() => child.proc.kill('SIGKILL'), 15_000);
  await child.exited;
  clearTimeout(timer);
}
