// Progress on stderr: on a terminal, one line per file redrawn in place; elsewhere (CI, pipes),
// a line each time a file's state changes. Anything else written to the terminal meanwhile (a
// file's summary on stdout) goes through `above`, so the redraw never moves up into it.
import { basename } from 'node:path';
import type { SubTask } from './sub-tasks';

export interface FileState {
  path: string;
  phase: 'waiting' | 'uploading' | 'queued' | 'in VOD' | 'processing' | 'ready' | 'failed';
  uploadPercent?: number;
  progress?: number;
  subTasks?: SubTask[];
  detail?: string;
}

const MARK: Record<string, string> = { SUCCESS: '✓', FAIL: '✗', PROCESSING: '…', WAITING: '·' };

export function describeState(state: FileState): string {
  const name = basename(state.path);
  switch (state.phase) {
    case 'uploading':
      return `${name}  uploading ${state.uploadPercent ?? 0}%`;
    case 'processing': {
      const tasks = (state.subTasks ?? []).map((t) => `${t.label} ${MARK[t.status] ?? t.status}`).join('  ');
      return `${name}  processing ${state.progress ?? 0}%${tasks ? `  ${tasks}` : ''}`;
    }
    case 'in VOD':
      return `${name}  transferring into VOD ${state.progress ?? 0}%`;
    default:
      return `${name}  ${state.phase}${state.detail ? `  ${state.detail}` : ''}`;
  }
}

export function createDisplay(stream: NodeJS.WriteStream, enabled: boolean) {
  const tty = enabled && stream.isTTY === true;
  const states: FileState[] = [];
  const printed = new Map<FileState, string>();
  let drawnLines = 0;
  const draw = () => {
    if (!enabled) return;
    if (tty) {
      // A terminal that reports no width (undefined or 0 columns) is taken as 100 wide.
      const width = (stream.columns || 100) - 1;
      const lines = states.map((s) => describeState(s).slice(0, width));
      stream.write(`${drawnLines ? `\x1b[${drawnLines}A` : ''}${lines.map((l) => `\x1b[2K${l}\n`).join('')}`);
      drawnLines = lines.length;
      return;
    }
    for (const state of states) {
      const line = describeState(state);
      // Every percent would flood a log: a line at each quarter of an upload, otherwise per phase.
      const key = state.phase === 'uploading' ? `${state.path} uploading ${Math.floor((state.uploadPercent ?? 0) / 25)}` : line;
      if (printed.get(state) !== key) {
        printed.set(state, key);
        stream.write(`${line}\n`);
      }
    }
  };
  const timer = tty ? setInterval(draw, 150) : undefined;
  return {
    add(path: string): FileState {
      const state: FileState = { path, phase: 'waiting' };
      states.push(state);
      return state;
    },
    update(state: FileState, patch: Partial<FileState>): void {
      Object.assign(state, patch);
      if (!tty) draw();
    },
    /** Writes `text` to `target` above the progress lines, which are drawn again below it. */
    above(target: NodeJS.WritableStream, text: string): void {
      if (!tty) return void target.write(text);
      // Up to the first progress line, erase from there down; the text takes their place.
      if (drawnLines) stream.write(`\x1b[${drawnLines}A\x1b[J`);
      drawnLines = 0;
      target.write(text);
      draw();
    },
    stop(): void {
      if (timer) clearInterval(timer);
      draw();
    },
  };
}
