// The operator view: every queue's depth (DLQs marked), and the media tools the emulator runs.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { resolveBinaries } from '../../emulator/media/binaries';
import type { JobsTarget } from '../../cli/jobs/target';
import type { ConsoleQueue } from './target';

export interface QueueView {
  logicalId: string;
  name: string;
  /** The name without the service-stage prefix, as `vodflow jobs redrive --queue` takes it. */
  short: string;
  waiting: number;
  inFlight: number;
  delayed: number;
  /** Set on a DLQ: the queue its messages came from (where redrive sends them). */
  deadLetterOf?: string;
  /** Set on a source queue: its DLQ's logical id. */
  deadLetter?: string;
  consumers: string[];
}

export async function queueDepths(target: JobsTarget, queues: readonly ConsoleQueue[]): Promise<QueueView[]> {
  const sourceOf = new Map(queues.flatMap((q) => (q.deadLetter ? [[q.deadLetter, q.logicalId] as const] : [])));
  return Promise.all(
    queues.map(async (q) => {
      const { Attributes = {} } = await target.sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: q.url,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
        }),
      );
      return {
        logicalId: q.logicalId,
        name: q.name,
        short: q.name.replace(target.prefix, ''),
        waiting: Number(Attributes.ApproximateNumberOfMessages ?? 0),
        inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
        delayed: Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0),
        deadLetterOf: sourceOf.get(q.logicalId),
        deadLetter: q.deadLetter,
        consumers: q.consumers ?? [],
      };
    }),
  );
}

export interface ToolView {
  name: 'ffmpeg' | 'ffprobe';
  path: string;
  /** The first line of `-version`, or why it could not be read. */
  version: string;
}

const run = promisify(execFile);

async function versionOf(name: ToolView['name'], tool: { path: string; env: Record<string, string> }): Promise<ToolView> {
  try {
    const { stdout } = await run(tool.path, ['-version'], { env: { ...process.env, ...tool.env }, timeout: 10_000 });
    return { name, path: tool.path, version: stdout.split('\n')[0]?.trim() ?? '' };
  } catch (error) {
    return { name, path: tool.path, version: `unavailable: ${(error as Error).message.split('\n')[0]}` };
  }
}

/** Read once per console: the binaries do not change while the stack runs. */
export function mediaTools(options: { ffmpegPath?: string; ffprobePath?: string }): () => Promise<ToolView[]> {
  let tools: Promise<ToolView[]> | undefined;
  return () => {
    if (!tools) {
      const bins = resolveBinaries(options);
      tools = Promise.all([versionOf('ffmpeg', bins.ffmpeg), versionOf('ffprobe', bins.ffprobe)]);
    }
    return tools;
  };
}
