// The pipeline's step names: each is a marker in the job item (lib/jobs/steps) that makes one
// piece of work happen once per attempt however often its message is delivered. The names are
// stored in live job items, so a spelling here is a storage format: change one only with a
// migration.
import type { TaskKind } from '../jobs/schema';

export interface StepName {
  name: string;
  /** Markers this step makes obsolete once done (a poll chain keeps only its last link). */
  supersedes?: readonly string[];
}

export const STEPS = {
  /** ingest: the object's job was queued for upload. */
  ingest: (): StepName => ({ name: 'ingest' }),
  /** initiate-upload: the pull was started (or the push finished) for this attempt. */
  upload: (attempt: number): StepName => ({ name: `upload#${attempt}` }),
  /** start-processing: ProcessFile/RedoTask was started for this attempt. */
  process: (attempt: number): StepName => ({ name: `process#${attempt}` }),
  /** publish-result: the finished task of this kind and attempt was acted on. */
  result: (task: TaskKind, attempt: number): StepName => ({ name: `result#${task}#${attempt}` }),
  /** classify-error: this attempt's failure was decided (retry or FAILED). */
  classify: (attempt: number): StepName => ({ name: `classify#${attempt}` }),
  /** poll-status: link `seq` of the polling chain of this task and attempt. */
  poll: (task: TaskKind, attempt: number, seq: number): StepName => {
    const chain = `poll#${task}#${attempt}`;
    return { name: `${chain}#${seq}`, supersedes: seq > 0 ? [`${chain}#${seq - 1}`] : [] };
  },
  /** poll-status: try `seq` of confirming a callback's claim that this task finished. */
  confirm: (task: TaskKind, attempt: number, seq: number): StepName => {
    const chain = `confirm#${task}#${attempt}`;
    return { name: `${chain}#${seq}`, supersedes: seq > 0 ? [`${chain}#${seq - 1}`] : [] };
  },
  /** the outbox: the terminal event reached one destination (`queue` or a subscriber's hash). */
  event: (destination: string): StepName => ({ name: `event#${destination}` }),
  /** deliver-event: try `seq` of the signed delivery to one subscriber (its URL's hash). */
  deliver: (subscriber: string, seq: number): StepName => {
    const chain = `deliver#${subscriber}`;
    return { name: `${chain}#${seq}`, supersedes: seq > 0 ? [`${chain}#${seq - 1}`] : [] };
  },
} as const;
