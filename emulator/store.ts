// Emulator state under the data dir: one JSON document per collection, written atomically
// (tmp file + rename) so a crash leaves either the old or the new version, never half of one.
// Writes are coalesced to one per event-loop turn; close() flushes synchronously.
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

function readJson<T>(file: string, fallback: () => T, onCorrupt: (err: unknown) => void): T {
  if (!existsSync(file)) return fallback();
  try {
    return { ...fallback(), ...(JSON.parse(readFileSync(file, 'utf8')) as T) };
  } catch (err) {
    // A corrupt document is kept aside for inspection; the emulator starts empty rather than not at all.
    onCorrupt(err);
    renameSync(file, `${file}.corrupt-${Date.now()}`);
    return fallback();
  }
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

  constructor(readonly dataDir: string, log: (msg: string) => void = () => {}) {
    mkdirSync(dataDir, { recursive: true });
    this.mediaRoot = join(dataDir, 'media');
    this.uploadRoot = join(dataDir, 'uploads');
    mkdirSync(this.mediaRoot, { recursive: true });
    mkdirSync(this.uploadRoot, { recursive: true });
    this.stateFile = join(dataDir, 'state.json');
    this.eventsFile = join(dataDir, 'events.json');
    const corrupt = (what: string) => (err: unknown) => log(`${what} was unreadable (${String(err)}); starting empty`);
    this.state = withTables(readJson(this.stateFile, emptyState, corrupt('state.json')));
    this.events = readJson(this.eventsFile, (): EventState => ({ version: 1, events: [] }), corrupt('events.json'));
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
