// Which failed VOD task decides a job's attempt. A holder that died between starting a task and
// recording it on the job leaves an orphan, and the redelivery starts another: while the job
// waits on one task of an attempt, the failure of another is not the job's. classify-error's
// claim tests this (its admission), so the failure of a finished task reaches it unclaimed.
import type { FieldTest, TaskKind } from '../jobs';

/** Why a failure that the guard refuses is dropped (its log line). */
export const NOT_WAITED_ON = 'failure of a task the job does not wait on; dropped';

/** The claim's field tests: the job names no task of this kind and attempt, or names this one. */
export function waitsOn(task: TaskKind, vodTaskId: string, attempt: number): readonly FieldTest[] {
  if (task === 'pull') return [{ absent: 'pullTaskId' }, { field: 'pullTaskId', equals: vodTaskId }];
  return [{ field: 'processAttempt', differs: attempt }, { absent: 'vodTaskId' }, { field: 'vodTaskId', equals: vodTaskId }];
}
