// With a data dir, the stack keeps its ports across restarts (`<dir>/ports.json`): presigned
// URLs handed to an interrupted pull, play URLs already sent in events and shown by GET /jobs,
// and queue URLs in other tools all name these ports. A remembered port now taken by another
// program is replaced by a free one, with a note saying so.
import { readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import * as z from 'zod';

const port = z.number().int().min(1).max(65_535);
const portsSchema = z.object({ fauxqs: port, dynamodb: port, emulator: port, httpApi: port }).partial();
export type StackPorts = z.infer<typeof portsSchema>;

export const PORTS_FILE = 'ports.json';

/** The ports of the previous run on this data dir ({} on the first run or for an unreadable file). */
export function rememberedPorts(dataDir: string): { ports: StackPorts; note?: string } {
  const file = path.join(dataDir, PORTS_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return { ports: {} };
  }
  try {
    return { ports: portsSchema.parse(JSON.parse(text)) };
  } catch {
    return { ports: {}, note: `${file} is not a ports file; new ports are picked and written there` };
  }
}

export async function rememberPorts(dataDir: string, ports: StackPorts): Promise<void> {
  const file = path.join(dataDir, PORTS_FILE);
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(ports, null, 2)}\n`);
  await rename(temp, file);
}

const isFree = (p: number): Promise<boolean> =>
  new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(p, '127.0.0.1', () => probe.close(() => resolve(true)));
  });

/** Remembered ports that are still free (explicit ones are taken as given); notes for the others. */
export async function reusablePorts(remembered: StackPorts, explicit: StackPorts): Promise<{ ports: StackPorts; notes: string[] }> {
  const ports: StackPorts = { ...explicit };
  const notes: string[] = [];
  for (const [name, value] of Object.entries(remembered) as Array<[keyof StackPorts, number]>) {
    if (explicit[name] !== undefined) continue;
    if (await isFree(value)) ports[name] = value;
    else
      notes.push(
        `port ${value} (${name}) of the previous run is taken by another program: a new one is used, and URLs naming the old one are dead`,
      );
  }
  return { ports, notes };
}
