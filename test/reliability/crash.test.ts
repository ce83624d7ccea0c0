// The stack SIGKILLed in the middle of a batch and started again on the same data dir (and the
// same ports, as a restarted service keeps its address): every job finishes, none twice — on
// both VOD API versions (the provider seam; the emulator's state survives the kill for both).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { DEV_ACCOUNT } from '../../emulator';
import { makeClip } from '../../emulator/media/fixtures';
import { createVodClient } from '../../lib/vod/client';
import { startChildStack, stopChild, type ChildStack } from './support/child';
import { writeConfigVariant } from './support/config-variant';
import { debugDump } from './support/debug';
import { outcomeOf } from './support/figures';
import { recordScenario } from './support/report';
import { limitMs, SCALE, size } from './support/scale';
import { FAST_ENV, scanJobs, type JobItem } from './support/stack';
import { collectEvents, submitClip, type EventCollector } from './support/user';

const CLIPS = size('crashClips');
const SECRETS = {
  API_KEYS: 'crash-test-api-key-4f1c9a',
  CALLBACK_TOKEN: 'crash-test-callback-token-77e0',
  EVENT_SIGNING_SECRET: 'whsec_Y3Jhc2gtdGVzdC1zaWduaW5nLXNlY3JldA==',
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const terminal = (j: JobItem) => j.status === 'SUCCEEDED' || j.status === 'FAILED';

const work = mkdtempSync(path.join(tmpdir(), 'vodflow-crash-'));
let child: ChildStack | undefined;
let collector: EventCollector | undefined;
const clients: Array<{ destroy(): void }> = [];
const started = Date.now();

afterAll(async () => {
  await collector?.stop();
  for (const c of clients) c.destroy();
  await stopChild(child);
  rmSync(work, { recursive: true, force: true });
});

describe.each(['v2', 'v3'] as const)(
  `crash on VOD API %s: SIGKILL mid-batch of ${CLIPS} clips, restart on the same data (${SCALE})`,
  (api) => {
    it(
      'finishes every job exactly once after the restart',
      async () => {
        const dataDir = path.join(work, `data-${api}`);
        const configFile = writeConfigVariant(work, { functionTimeoutS: 10, visibilityTimeoutS: 16 });
        const env = {
          ...FAST_ENV,
          ...SECRETS,
          VOD_API_VERSION: api,
          POWERTOOLS_LOG_LEVEL: process.env.RELIABILITY_DEBUG ? 'INFO' : 'WARN',
        };
        const clip = readFileSync(await makeClip({ path: path.join(work, 'clip.mp4'), seconds: 1, width: 160, height: 120 }));
        child = await startChildStack({ configFile, dataDir, env });
        const first = child.info;
        const aws = { region: first.region, credentials: first.credentials };
        const sqs = new SQSClient({ ...aws, endpoint: first.endpoints.sqs });
        const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({ ...aws, endpoint: first.endpoints.dynamodb }));
        clients.push(sqs, ddb);
        // Looked up by name again after an error: a restarted stack hands out other queue URLs (report).
        const eventsQueue = first.queues.EventsQueue!.name;
        collector = collectEvents(sqs, async () => (await sqs.send(new GetQueueUrlCommand({ QueueName: eventsQueue }))).QueueUrl!);

        const jobIds = await Promise.all(
          Array.from({ length: CLIPS }, (_, i) => submitClip(first.endpoints.httpApi, SECRETS.API_KEYS, `crash-${i}.mp4`, clip)),
        );
        // Kill when the batch is under way: something finished, something still in VOD's hands.
        let atKill: JobItem[] = [];
        const until = Date.now() + 60_000;
        for (;;) {
          atKill = (await scanJobs(ddb, first.table)).filter((j) => jobIds.includes(j.jobId));
          const done = atKill.filter(terminal).length;
          const inFlight = atKill.filter((j) => j.status === 'UPLOADING' || j.status === 'PROCESSING').length;
          if ((done >= 1 && inFlight >= 1) || Date.now() > until) break;
          await sleep(100);
        }
        child.proc.kill('SIGKILL');
        await child.exited;
        const killedAt = Date.now();
        const statusAtKill = atKill.reduce<Record<string, number>>((m, j) => ({ ...m, [j.status]: (m[j.status] ?? 0) + 1 }), {});

        const firstOutput = child.output;
        child = await startChildStack({ configFile, dataDir, env, ports: first.ports });
        const until2 = Date.now() + limitMs(100_000, 240_000);
        let jobs: JobItem[] = [];
        for (;;) {
          jobs = (await scanJobs(ddb, first.table)).filter((j) => jobIds.includes(j.jobId));
          const seen = new Set(collector.events.map((e) => e.subject));
          if ((jobs.length === CLIPS && jobs.every(terminal) && jobIds.every((id) => seen.has(id))) || Date.now() > until2) break;
          await sleep(300);
        }
        await sleep(2000); // a late duplicate would show now
        const out = outcomeOf(jobIds, await scanJobs(ddb, first.table), collector.events);

        // VOD work per job: tasks the emulator ran (its state survived the kill too).
        const vod = createVodClient({
          secretId: DEV_ACCOUNT.secretId,
          secretKey: DEV_ACCOUNT.secretKey,
          endpoint: child.info.endpoints.emulator! + '/v2/index.php',
        });
        const tasks: Array<{ vodTaskId: string; type: string }> = [];
        // GetTaskList requires a status (the live EN doc): list each one.
        for (const status of ['WAITING', 'PROCESSING', 'FINISH']) {
          let next = '';
          do {
            const page = (await vod.call('GetTaskList', { status, maxCount: 100, ...(next ? { next } : {}) })).body as {
              data: { next: string; taskList: Array<{ vodTaskId: string; type: string }> };
            };
            tasks.push(...page.data.taskList);
            next = page.data.next;
          } while (next);
        }
        const procedures = tasks.filter((t) => t.type === 'procedure').length;
        const pulls = tasks.filter((t) => t.type === 'pull').length;
        const restartS = (Date.now() - killedAt) / 1000;

        await recordScenario(
          api === 'v2' ? 'crash' : `crash-${api}`,
          `Crash: SIGKILL mid-batch of ${CLIPS} clips, restart${api === 'v2' ? '' : ` (VOD API ${api})`}`,
          started,
          {
            requestsTried: CLIPS,
            faultsInjected: 1,
            jobsHeld: out.held,
            succeeded: out.succeeded,
            failed: out.failed,
            lost: out.lost.length,
            duplicated: out.duplicateJobs.length,
            crashes: 1,
            http5xx: 0,
            maxAttempts: out.maxAttempts,
            backoff: `all finished ${restartS.toFixed(0)} s after the kill (visibility timeout 16 s)`,
            notes: [
              `jobs at the kill: ${JSON.stringify(statusAtKill)}; events already out before it: ${collector.events.filter((e) => Date.parse(e.time) < killedAt).length}`,
              `VOD tasks for ${CLIPS} jobs: ${pulls} pulls, ${procedures} procedures (a call in flight at the kill is made again after it: ${pulls - CLIPS} extra pulls, ${procedures - CLIPS} extra procedures, orphans with no event)`,
              `events-queue redeliveries of one message (consumer side, not duplicates): ${collector.redeliveries}`,
              `jobs whose event reached the events queue's consumer twice: ${out.duplicateJobs.length} (a kill between the events-queue SendMessage and the outbox mark repeats the send after the restart; the FIFO queue drops it by event id, its deduplication memory kept in the data dir)`,
            ],
          },
        );

        const unfinished = new Set([...out.lost, ...out.duplicateJobs]);
        const after = await scanJobs(ddb, first.table);
        debugDump('crash', () => ({
          killedAt: new Date(killedAt).toISOString(),
          events: collector!.events.map((e) => [e.subject, e.id, e.time]),
          atKill: atKill.filter((j) => unfinished.has(j.jobId)),
          after: after.filter((j) => unfinished.has(j.jobId)),
          output: `${child!.output.join('')}\n===== before the kill =====\n${firstOutput.join('')}`,
        }));
        expect(statusAtKill.SUCCEEDED ?? 0, 'the kill came mid-batch').toBeLessThan(CLIPS);
        expect(out.lost, 'jobs not finished after the restart').toEqual([]);
        // None processed twice: one outcome per job, and one copy of its event — a send repeated after
        // a kill between SendMessage and the outbox mark is dropped by the FIFO events queue.
        expect(out.conflictingJobs).toEqual([]);
        expect(out.duplicateJobs, 'jobs whose event reached the consumer twice').toEqual([]);
        expect(out.succeeded).toBe(CLIPS);
        await collector.stop();
        collector = undefined;
        await stopChild(child);
        child = undefined;
      },
      limitMs(170_000, 400_000),
    );
  },
);
