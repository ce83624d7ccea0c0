// `vodflow emulator [--port N] [--host H] [--data DIR]`: the local VOD emulator alone (API 2.0 and 3.0).
// Prints `vodflow emulator listening on http://HOST:PORT` once it answers, plus the development
// credentials; Ctrl-C / SIGTERM close it cleanly (running tasks resume at the next start).
import type { Command } from 'commander';
import { DEV_ACCOUNT, startEmulator, type RunningEmulator } from '../../emulator';

export interface EmulatorCommandOptions {
  port: string;
  host: string;
  data?: string;
  quiet?: boolean;
}

function parsePort(raw: string): number {
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0…65535, got ${raw}`);
  return port;
}

/** Why the emulator could not start, in words that say what to change. */
export function startFailure(err: unknown, options: Pick<EmulatorCommandOptions, 'port' | 'host'>): string {
  const e = err as NodeJS.ErrnoException;
  const where = `${options.host}:${options.port}`;
  if (e?.code === 'EADDRINUSE')
    return `port ${options.port} is already in use on ${options.host}; choose another with --port (0 = any free port)`;
  if (e?.code === 'EACCES') return `not allowed to listen on ${where} (ports below 1024 need privileges); choose another with --port`;
  if (e?.code === 'EADDRNOTAVAIL' || e?.code === 'ENOTFOUND') return `cannot bind ${options.host}: not an address of this machine (--host)`;
  return (e?.message ?? String(err)).split('\n')[0]!;
}

export function banner(emulator: RunningEmulator): string {
  const lines = [
    `vodflow emulator listening on ${emulator.url}`,
    `  general API:     ${emulator.endpoint}`,
    `  data upload API: ${emulator.uploadEndpoint} (and ${emulator.url}/v3/index.php)`,
    `  API 3.0:         ${emulator.url}/ (TC3-HMAC-SHA256)`,
    `  data dir:        ${emulator.dataDir}`,
  ];
  for (const a of emulator.accounts) {
    const dev = a.secretId === DEV_ACCOUNT.secretId ? ' (development credentials)' : '';
    lines.push(
      `  account${dev}: VOD_SECRET_ID=${a.secretId} VOD_SECRET_KEY=${a.secretKey} appId=${a.appId}${a.callbackMode && a.callbackMode !== 'none' ? ` callback=${a.callbackMode}${a.callbackUrl ? ` ${a.callbackUrl}` : ''}` : ''}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export async function runEmulator(options: EmulatorCommandOptions): Promise<RunningEmulator> {
  const emulator = await startEmulator({
    port: parsePort(options.port),
    host: options.host,
    dataDir: options.data ?? '.vodflow/emulator',
    log: (level, message, fields) => {
      if (level === 'info' && options.quiet) return;
      process.stderr.write(`[emulator] ${level}: ${message}${fields ? ` ${JSON.stringify(fields)}` : ''}\n`);
    },
  });
  process.stdout.write(banner(emulator));
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`vodflow emulator: ${signal}, closing\n`);
    emulator.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`vodflow emulator: close failed: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return emulator;
}

export function register(program: Command): void {
  program
    .command('emulator')
    .description('run the local VOD emulator (API 2.0: general API, data upload; API 3.0; media files, events) on one port')
    .option('--port <n>', 'port (0 = any free port)', '9010')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--data <dir>', 'state and media directory (survives restarts)', '.vodflow/emulator')
    .option('--quiet', 'only warnings and errors on stderr')
    .action(async (options: EmulatorCommandOptions) => {
      try {
        await runEmulator(options);
      } catch (err) {
        // A bad or taken port is the user's to fix: one line, no stack.
        process.stderr.write(`vodflow emulator: ${startFailure(err, options)}\n`);
        process.exitCode = 1;
      }
    });
}
