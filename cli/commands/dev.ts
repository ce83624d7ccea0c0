// `vodflow dev [--data DIR] [--port N] [--callback-mode http|reliable|poll] [--stage S]`: the
// whole local stack (serverless.yml's functions, SQS + S3, DynamoDB, the VOD emulator) on
// 127.0.0.1 until Ctrl-C. Prints its endpoints and local credentials, and writes DIR/dev.json so
// `vodflow jobs` finds it; the file is removed on shutdown.
import { mediaToolsLine } from '../process/tools';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import * as z from 'zod';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../local';
import { devBanner } from '../dev/banner';
import { callerVodEnv } from '../caller-env';
import { collectSubscriber, subscriberEnv, subscriberNote } from '../dev/subscribers';
import { loadOrCreateSecrets, SecretsFileError } from '../dev/secrets';
import {
  DEFAULT_DEV_DIR,
  DevStateError,
  isAlive,
  readDevState,
  removeDevState,
  statePathOf,
  writeDevState,
  type DevState,
} from '../dev/state';

export const DEFAULT_DEV_PORT = 3000;

const optionsSchema = z.object({
  data: z.string().min(1).default(DEFAULT_DEV_DIR),
  port: z.coerce.number().int().min(0).max(65535).default(DEFAULT_DEV_PORT),
  callbackMode: z.enum(['http', 'reliable', 'poll']).default('http'),
  stage: z
    .string()
    .regex(/^[a-zA-Z0-9-]{1,32}$/, 'letters, digits and dashes')
    .optional(),
  quiet: z.boolean().optional(),
  vodApi: z.enum(['v2', 'v3']).optional(),
  subscriber: z.array(z.url({ protocol: /^https?$/ })).default([]),
});

export type DevOptions = z.input<typeof optionsSchema> & {
  /** Tests: another serverless.yml, emulator settings, quieter stack logs. */
  configFile?: string;
  emulator?: LocalStackOptions['emulator'];
  logLevel?: LocalStackOptions['logLevel'];
};

export interface DevIO {
  out(text: string): void;
  err(text: string): void;
}

export interface RunningDev {
  stack: LocalStack;
  state: DevState;
  statePath: string;
  /** Closes the stack, then removes the state file; safe to call twice. */
  close(): Promise<void>;
}

/** A start failure worth one line (bad option, port taken, stack already running). */
export class DevError extends Error {
  override readonly name = 'DevError';
}

const processIO: DevIO = { out: (t) => void process.stdout.write(t), err: (t) => void process.stderr.write(t) };

function isAddressInUse(error: unknown): boolean {
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE' || /EADDRINUSE/.test(String((e as Error).message))) return true;
  }
  return false;
}

const portTaken = (port: number) =>
  new DevError(`port ${port} is already in use on 127.0.0.1; pick another with --port N (0 = any free port)`);

/** Fails before the few seconds of stack start-up; the stack's own EADDRINUSE covers a race. */
async function assertPortFree(port: number): Promise<void> {
  if (port === 0) return;
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'EADDRINUSE' ? portTaken(port) : error));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}

function stateOf(stack: LocalStack, dataDir: string, callbackMode: DevState['callbackMode']): DevState {
  const env = stack.env;
  return {
    version: 1,
    pid: process.pid,
    startedAt: new Date().toISOString(),
    service: stack.model.service,
    stage: stack.stage,
    region: stack.region,
    dataDir,
    callbackMode,
    endpoints: { ...stack.endpoints },
    credentials: { ...stack.credentials },
    apiKey: stack.secrets.apiKey,
    callbackUrl: stack.callbackUrl,
    vod:
      stack.emulator && env.VOD_ENDPOINT && env.VOD_SECRET_ID && env.VOD_SECRET_KEY
        ? {
            apiVersion: env.VOD_API_VERSION === 'v3' ? 'v3' : 'v2',
            endpoint: env.VOD_ENDPOINT,
            uploadEndpoint: env.VOD_UPLOAD_ENDPOINT ?? stack.emulator.uploadEndpoint,
            v3Endpoint: env.VOD_V3_ENDPOINT,
            storageEndpoint: env.VOD_STORAGE_ENDPOINT,
            secretId: env.VOD_SECRET_ID,
            secretKey: env.VOD_SECRET_KEY,
            region: env.VOD_REGION ?? 'gz',
          }
        : undefined,
    routes: stack.model.functions.flatMap((fn) => fn.http.map((route) => route.routeKey)),
    bucket: stack.bucket,
    table: stack.table,
    queues: stack.model.queues.map((q) => ({
      logicalId: q.logicalId,
      name: q.name,
      url: stack.queues[q.logicalId]!.url,
      deadLetter: q.redrive?.deadLetterLogicalId,
    })),
  };
}

/** Starts the stack, writes the state file and prints the banner; the caller owns shutdown. */
export async function runDev(options: DevOptions = {}, io: DevIO = processIO): Promise<RunningDev> {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new DevError(`--${String(issue.path[0] ?? 'option').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: ${issue.message}`);
  }
  const flags = parsed.data;
  const dataDir = path.resolve(flags.data);
  await mkdir(dataDir, { recursive: true });
  const statePath = statePathOf(dataDir);

  let previous: DevState | undefined;
  try {
    previous = readDevState(statePath);
  } catch (error) {
    if (!(error instanceof DevStateError)) throw error;
    io.err(`vodflow dev: replacing an unreadable ${statePath}\n`);
  }
  if (previous && previous.pid !== process.pid && isAlive(previous.pid)) {
    throw new DevError(
      `another vodflow dev (pid ${previous.pid}) is running on ${dataDir} at ${previous.endpoints.httpApi}; stop it or use another --data`,
    );
  }

  await assertPortFree(flags.port);
  const secrets = await loadOrCreateSecrets(dataDir, (message) => io.err(`${message}\n`)).catch((error: unknown) => {
    throw error instanceof SecretsFileError ? new DevError(error.message) : error;
  });
  let stack: LocalStack;
  try {
    stack = await startLocalStack({
      configFile: options.configFile,
      dataDir,
      stage: flags.stage,
      ports: { httpApi: flags.port },
      callbackMode: flags.callbackMode,
      // The media tools' self-check runs beside the stack's start, not before the first job's work.
      emulator: options.emulator === false ? false : { checkToolsAtStart: true, ...options.emulator },
      logLevel: options.logLevel ?? (flags.quiet ? 'error' : 'info'),
      env: {
        ...secrets,
        ...subscriberEnv(flags.subscriber),
        ...(flags.quiet ? { POWERTOOLS_LOG_LEVEL: 'WARN' } : {}),
        ...callerVodEnv({ vodApi: flags.vodApi }),
      },
    });
  } catch (error) {
    if (isAddressInUse(error)) throw portTaken(flags.port);
    // A damaged state file of the emulator or the SQS/S3 stand-in: its message names the file.
    if ((error as Error | undefined)?.name === 'StateFileError') throw new DevError((error as Error).message);
    throw error;
  }

  const state = stateOf(stack, dataDir, flags.callbackMode);
  try {
    await writeDevState(statePath, state);
  } catch (error) {
    await stack.close();
    throw new DevError(`cannot write ${statePath}: ${(error as Error).message}`);
  }
  io.out(devBanner(state, statePath));
  io.out(`${mediaToolsLine()}\n`);
  io.out(subscriberNote(flags.subscriber, stack.secrets.eventSigningSecret));
  // The key rides in the fragment: it never reaches a server log, and the page keeps it per tab.
  if (stack.consoleUrl) io.out(`\nConsole: open ${stack.consoleUrl}#key=${encodeURIComponent(stack.secrets.apiKey)}\n`);

  let closing: Promise<void> | undefined;
  return {
    stack,
    state,
    statePath,
    close: () =>
      (closing ??= (async () => {
        try {
          await stack.close();
        } finally {
          removeDevState(statePath);
        }
      })()),
  };
}

/**
 * First SIGINT/SIGTERM: close everything, exit 0 (1 if closing failed). A second one while
 * closing: remove the state file and exit at once (130); the stand-ins die with the process.
 * Returns the handler (tests call it directly) and a way to uninstall it.
 */
export function handleSignals(
  dev: RunningDev,
  io: DevIO = processIO,
  exit: (code: number) => void = (code) => process.exit(code),
): { onSignal: (signal: NodeJS.Signals) => void; dispose: () => void } {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      io.err(`vodflow dev: ${signal} again, exiting now\n`);
      removeDevState(dev.statePath);
      exit(130);
      return;
    }
    stopping = true;
    io.err(`vodflow dev: ${signal}, stopping (press Ctrl-C again to force)\n`);
    dev.close().then(
      () => exit(0),
      (error: unknown) => {
        io.err(`vodflow dev: close failed: ${(error as Error).message}\n`);
        exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    onSignal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

const port = (value: string): number => {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new InvalidArgumentError('expected a port 0…65535 (0 = any free port)');
  return n;
};

const callbackMode = (value: string): 'http' | 'reliable' | 'poll' => {
  if (value !== 'http' && value !== 'reliable' && value !== 'poll') throw new InvalidArgumentError('expected http, reliable or poll');
  return value;
};

export function register(program: Command, io: DevIO = processIO): void {
  program
    .command('dev')
    .description('run the whole local stack (HTTP API, queues, bucket, table, VOD emulator, every function) until Ctrl-C')
    .option('--data <dir>', 'state directory: jobs, queues, objects and VOD media survive restarts', DEFAULT_DEV_DIR)
    .option('--port <n>', 'HTTP API port (0 = any free port)', port, DEFAULT_DEV_PORT)
    .option('--callback-mode <mode>', 'how VOD results come back: http (webhook), reliable (PullEvent) or poll', callbackMode, 'http')
    .option('--stage <stage>', "serverless stage (resource names are <service>-<stage>-…; default: serverless.yml's)")
    .option('--quiet', "only warnings and errors from the stack and the handlers' logs")
    .option('--vod-api <version>', 'VOD API the handlers speak to the emulator: v2 or v3 (default VOD_API_VERSION or v2)')
    .option(
      '--subscriber <url>',
      'also POST each video.ready / video.failed here, signed (Standard Webhooks); repeatable',
      collectSubscriber,
    )
    .addHelpText(
      'after',
      `
Everything binds to 127.0.0.1. The other ports (SQS/S3, DynamoDB, emulator) are picked on the
first start, printed with export lines for other tools, and kept in <dir>/ports.json for the next
start (a port taken meanwhile is replaced, with a note). <dir>/dev.json describes the running stack for
\`vodflow jobs\` and is removed on exit; <dir>/secrets.json keeps the API key and webhook token
stable across restarts. The banner ends with the web console's URL (/console/ on the HTTP API port,
the API key in its #fragment): upload, watch jobs, play outputs, redrive, set emulator faults.`,
    )
    .action(async (flags: DevOptions) => {
      let dev: RunningDev;
      try {
        dev = await runDev(flags, io);
      } catch (error) {
        io.err(`vodflow dev: ${error instanceof DevError ? error.message : ((error as Error).stack ?? String(error))}\n`);
        process.exit(1);
      }
      handleSignals(dev, io);
    });
}
