// The dev state file (`<data dir>/dev.json`): how other commands (`vodflow jobs`) find a running
// `vodflow dev` without flags — endpoints, local credentials, table, queues with their DLQs.
// It exists only while the stack runs; a file whose pid is gone is stale (the stack was killed).
import { readFileSync, rmSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as z from 'zod';

export const DEFAULT_DEV_DIR = path.join('.vodflow', 'dev');
export const STATE_FILE = 'dev.json';

export const statePathOf = (dataDir: string): string => path.resolve(dataDir, STATE_FILE);

const queueState = z.object({
  logicalId: z.string(),
  name: z.string(),
  url: z.string(),
  /** Logical id of this queue's dead-letter queue (from its RedrivePolicy). */
  deadLetter: z.string().optional(),
});
export type DevQueueState = z.infer<typeof queueState>;

export const devStateSchema = z.object({
  version: z.literal(1),
  pid: z.number().int().positive(),
  startedAt: z.string(),
  service: z.string(),
  stage: z.string(),
  region: z.string(),
  dataDir: z.string(),
  callbackMode: z.enum(['http', 'reliable', 'poll']),
  endpoints: z.object({ httpApi: z.string(), emulator: z.string().optional(), sqs: z.string(), s3: z.string(), dynamodb: z.string() }),
  credentials: z.object({ accessKeyId: z.string(), secretAccessKey: z.string() }),
  apiKey: z.string(),
  callbackUrl: z.string().optional(),
  vod: z
    .object({
      /** The API the handlers speak; both are served on the emulator's port. */
      apiVersion: z.enum(['v2', 'v3']).default('v2'),
      endpoint: z.string(),
      uploadEndpoint: z.string(),
      /** API 3.0: the service endpoint and the storage (COS) its push uploads PUT to. */
      v3Endpoint: z.string().optional(),
      storageEndpoint: z.string().optional(),
      secretId: z.string(),
      secretKey: z.string(),
      region: z.string(),
    })
    .optional(),
  routes: z.array(z.string()),
  bucket: z.string().optional(),
  table: z.string().optional(),
  queues: z.array(queueState),
});
export type DevState = z.infer<typeof devStateSchema>;

export class DevStateError extends Error {
  override readonly name = 'DevStateError';
}

/** Written atomically (rename) and owner-only: it holds the local secrets. */
export async function writeDevState(file: string, state: DevState): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  await rename(temp, file);
}

/** The state, or `undefined` when there is no file. A malformed file is an error. */
export function readDevState(file: string): DevState | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new DevStateError(`cannot read ${file}: ${(error as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new DevStateError(`${file} is not JSON; delete it and start \`vodflow dev\` again`);
  }
  const parsed = devStateSchema.safeParse(raw);
  if (!parsed.success)
    throw new DevStateError(
      `${file} is not a vodflow dev state file (${parsed.error.issues[0]?.message ?? 'invalid'}); delete it and start \`vodflow dev\` again`,
    );
  return parsed.data;
}

/**
 * Removes the file only if it still describes the process `pid` (another run may own it now).
 * Synchronous so that a forced exit (second Ctrl-C) can still call it.
 */
export function removeDevState(file: string, pid = process.pid): void {
  let owner: number | undefined;
  try {
    owner = readDevState(file)?.pid;
  } catch {
    return;
  }
  if (owner === pid) rmSync(file, { force: true });
}

/** Whether a process with this id exists (EPERM: it exists but belongs to someone else). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
