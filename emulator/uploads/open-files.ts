// An upload session's data file and journal, kept open while its parts arrive rather than opened
// and closed for every part (that was about a tenth of the emulator's time in the upload bench);
// closed when the session is finished or has been idle for a second, and reopened by a later part.
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

export interface OpenFiles {
  data?: Promise<FileHandle>;
  journal?: number;
  idle?: NodeJS.Timeout;
}

const IDLE_CLOSE_MS = 1000;

export function dataHandle(files: OpenFiles, dir: string, path: string, flags: number): Promise<FileHandle> {
  clearTimeout(files.idle);
  files.data ??= (async () => {
    mkdirSync(dir, { recursive: true });
    return open(path, flags);
  })().catch((error: unknown) => {
    files.data = undefined;
    throw error;
  });
  return files.data;
}

/** One line at the end of the journal (synchronous: it follows its part's bytes, in order). */
export function appendJournal(files: OpenFiles, path: string, line: string): void {
  files.journal ??= openSync(path, 'a');
  writeSync(files.journal, line);
}

/** Before a rename or a removal of the files, or once idle. */
export async function closeFiles(files: OpenFiles): Promise<void> {
  clearTimeout(files.idle);
  const data = files.data;
  files.data = undefined;
  if (files.journal !== undefined) closeSync(files.journal);
  files.journal = undefined;
  if (data) await (await data.catch(() => undefined))?.close().catch(() => undefined);
}

/** No part in flight: close unless another comes within IDLE_CLOSE_MS (the timer holds no process). */
export function closeWhenIdle(files: OpenFiles): void {
  clearTimeout(files.idle);
  files.idle = setTimeout(() => void closeFiles(files), IDLE_CLOSE_MS).unref();
}
