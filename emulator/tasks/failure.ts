// Turning whatever stopped a task step into the documented (code, message) pair: a MediaFailure
// keeps its seed code (-43001, -45001, …), an injected failure its chosen code, anything else
// is 30010 ("system failure or unknown", reference §4.7.4).
import { classify } from '../../lib/vod/errors';
import { MediaFailure, MediaSystemError } from '../media';

export class TaskFailure extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export const SYSTEM_FAILURE = 30010;

export function messageOf(code: number, fallback: string): string {
  const c = classify(code);
  return c.known ? c.message : fallback;
}

export function failureOf(err: unknown): { code: number; message: string; detail?: string } {
  if (err instanceof MediaFailure) {
    // The task message carries ffmpeg's own deciding line after the code's meaning, so the user
    // sees what the tool said (vodflow shows a task message as the failure's `detail`).
    const line = err.detail.split('\n')[0]?.trim().slice(0, 300);
    const meaning = messageOf(err.code, err.message);
    return { code: err.code, message: line ? `${meaning}: ${line}` : meaning, detail: err.detail };
  }
  if (err instanceof MediaSystemError) return { code: err.code, message: `system failure: ${err.message}` };
  if (err instanceof TaskFailure) return { code: err.code, message: err.message || messageOf(err.code, 'task failed') };
  return { code: SYSTEM_FAILURE, message: 'internal error while processing the task' };
}
