// Emulator state under the data dir: one JSON document per collection, written atomically
// (tmp file + rename) so a crash leaves either the old or the new version, never half of one.
// Writes are coalesced to one per event-loop turn; close() flushes synchronously. A document that
// cannot be read stops the start with a message naming it (StateFileError).
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ClassRecord, QueuedEvent, Task, UploadSession, VodFile } from './types';

export interface EmulatorState {
  version: 1;
  files: Record<string, VodFile>;
  /** fileIds of deleted files, so later calls answer "file does not exist" rather than reuse ids. */
  deleted: Record<string, number>;
  tasks: Record<string, Task>;
  classes: Record<string, ClassRecord>;
  uploads: Record<string, UploadSession>;
  /** One-time client upload signatures already used: key → expireTime (s). */
  oneTime: Record<string, number>;
  seq: { classId: number };
}

export interface EventState {
  version: 1;
  events: QueuedEvent[];
}

// Every collection is keyed by ids that arrive in requests (fileId, vodTaskId, …): null-prototype
// objects, so `fileId=constructor` or `vodTaskId=__proto__` finds nothing instead of a member.
const table = <T>(from: Record<string, T> = {}): Record<string, T> => Object.assign(Object.create(null) as Record<string, T>, from);
const COLLECTIONS = ['files', 'deleted', 'tasks', 'classes', 'uploads', 'oneTime'] as const;

const emptyState = (): EmulatorState => ({
  version: 1,
  files: table(),
  deleted: table(),
  tasks: table(),
  classes: table(),
  uploads: table(),
  oneTime: table(),
  seq: { classId: 0 },
});

function withTables(state: EmulatorState): EmulatorState {
  for (const name of COLLECTIONS) (state as unknown as Record<string, unknown>)[name] = table(state[name] as Record<string, unknown>);
  return state;
}

export function writeJsonAtomic(file: string, value: unknown): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(value));
  renameSync(tmp, file);
}

/** A state document that exists but cannot be read: the emulator refuses to start over it. */
export class StateFileError extends Error {
  override readonly name = 'StateFileError';
}

const looksLike = (value: unknown, keys: string[]): boolean =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  (value as { version?: unknown }).version === 1 &&
  keys.every((k) => (value as Record<string, unknown>)[k] === undefined || typeof (value as Record<string, unknown>)[k] === 'object');

/**
 * A damaged document (hand-edited, truncated by a full disk) is never replaced quietly: starting
 * empty would fail every task in progress for good (70014) and 404 every finished job's media.
 */
function readJson<T>(file: string, fallback: () => T, keys: string[]): T {
  if (!existsSync(file)) return fallback();
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new StateFileError(
      `${file} is damaged (${(err as Error).message}); the emulator will not start over it and lose its files and tasks. Repair the file, or move it aside to start with an empty emulator.`,
    );
  }
  if (!looksLike(value, keys)) {
    throw new StateFileError(
      `${file} is not an emulator state document (version 1 with ${keys.join(', ')}); repair it, or move it aside to start with an empty emulator.`,
    );
  }
  return { ...fallback(), ...(value as T) };
}

export class Store {
  readonly state: EmulatorState;
  readonly events: EventState;
  readonly mediaRoot: string;
  readonly uploadRoot: string;
  private readonly stateFile: string;
  private readonly eventsFile: string;
  private dirty = new Set<'state' | 'events'>();
  private scheduled = false;
  private closed = false;

  constructor(
    readonly dataDir: string,
    log: (msg: string) => void = () => {},
  ) {
    mkdirSync(dataDir, { recursive: true });
    this.mediaRoot = join(dataDir, 'media');
    this.uploadRoot = join(dataDir, 'uploads');
    mkdirSync(this.mediaRoot, { recursive: true });
    mkdirSync(this.uploadRoot, { recursive: true });
    this.stateFile = join(dataDir, 'state.json');
    this.eventsFile = join(dataDir, 'events.json');
    this.state = withTables(readJson(this.stateFile, emptyState, ['files', 'deleted', 'tasks', 'classes', 'uploads', 'oneTime', 'seq']));
    this.events = readJson(this.eventsFile, (): EventState => ({ version: 1, events: [] }), ['events']);
  }

  /** Mark state changed; written at the end of this event-loop turn. */
  save(which: 'state' | 'events' = 'state'): void {
    if (this.closed) return;
    this.dirty.add(which);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  flush(): void {
    this.scheduled = false;
    if (this.dirty.has('state')) writeJsonAtomic(this.stateFile, this.state);
    if (this.dirty.has('events')) writeJsonAtomic(this.eventsFile, this.events);
    this.dirty.clear();
  }

  close(): void {
    this.flush();
    this.closed = true;
  }
}
