// Throughput: N tiny clips put into the upload bucket at once (S3 PutObject, as any uploader
// would), every job followed to its downstream event on the local stack; against the same media
// work run directly 2 at a time (the ffmpeg-bound rate on 2 cores).
import { readFile } from 'node:fs/promises';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { startLocalStack } from '../local';
import { deadLetters, drainEvents, until, type SeenEvent } from './events';
import { clip, directMediaMs } from './media';
import { round, type Section } from './measure';
import { profiled } from './profile';

async function stackRun(n: number, body: Buffer) {
  // Quotas off: the bench measures the local stack against ffmpeg, not Tencent's 100 calls/min.
  const stack = await startLocalStack({
    logLevel: 'silent',
    emulator: { rateLimits: false },
    callbackMode: 'http',
    env: { POWERTOOLS_LOG_LEVEL: 'SILENT' },
  });
  const sqs = new SQSClient({ region: stack.region, endpoint: stack.endpoints.sqs, credentials: stack.credentials });
  const s3 = new S3Client({
    region: stack.region,
    endpoint: stack.endpoints.s3,
    credentials: stack.credentials,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
  const events: SeenEvent[] = [];
  const drain = drainEvents(sqs, stack.queues.EventsQueue!.url, (e) => events.push(e));
  try {
    const start = Date.now();
    await Promise.all(
      Array.from({ length: n }, (_, i) =>
        s3.send(
          new PutObjectCommand({
            Bucket: stack.bucket!,
            Key: `bench/clip-${String(i).padStart(4, '0')}.mp4`,
            Body: body,
            ContentType: 'video/mp4',
          }),
        ),
      ),
    );
    const subjects = () => new Set(events.map((e) => e.subject)).size;
    const complete = await until(() => subjects() >= n, 600_000, 100);
    const lastAt = Math.max(...events.map((e) => e.sentAt));
    // Anything late (a duplicate) has a moment to show up before the count is final.
    await new Promise((r) => setTimeout(r, 2000));
    return {
      complete,
      seconds: (lastAt - start) / 1000,
      events: events.length,
      distinct: subjects(),
      ready: events.filter((e) => e.type === 'vodflow.video.ready').length,
      dlq: await deadLetters(sqs, stack),
    };
  } finally {
    await drain.stop();
    s3.destroy();
    sqs.destroy();
    await stack.close();
  }
}

export async function benchThroughput(quick: boolean): Promise<Section> {
  const n = quick ? 4 : 100;
  const file = await clip(1, 160, 120);
  const body = await readFile(file);
  const files = Array.from({ length: n }, () => file);
  // Direct rate before and after the stack run, averaged: both see the same machine state.
  const before = await directMediaMs(files);
  const { result: run, profile } = await profiled('throughput (stack start → last event)', () => stackRun(n, body));
  const after = await directMediaMs(files);
  const directRate = n / ((before + after) / 2 / 1000);
  const rate = n / run.seconds;
  const ratio = rate / directRate;
  const lost = n - run.distinct;
  const duplicates = run.events - run.distinct;
  return {
    title: `Throughput: ${n} clips (1 s, 160x120) queued at once on the local stack`,
    figures: [
      { name: 'jobs finished (video.ready)', value: run.ready, unit: 'jobs', goal: `all ${n}`, met: run.ready === n },
      { name: 'lost', value: lost, unit: 'jobs', goal: '0', met: lost === 0 },
      { name: 'duplicate events', value: duplicates, unit: 'events', goal: '0', met: duplicates === 0 },
      { name: 'messages in dead-letter queues', value: run.dlq, unit: 'messages', goal: '0', met: run.dlq === 0 },
      { name: 'pipeline throughput', value: round(rate), unit: 'jobs/s', note: `first PutObject → last event ${round(run.seconds)} s` },
      {
        name: 'ffmpeg-bound rate (same media work, 2 parallel, direct)',
        value: round(directRate),
        unit: 'jobs/s',
        note: `${Math.round(before)} ms before, ${Math.round(after)} ms after the stack run`,
      },
      { name: 'pipeline / ffmpeg-bound', value: round(ratio, 2), unit: '×', goal: '≥ 0.8×', met: ratio >= 0.8 },
    ],
    notes: [
      'Objects go straight into the bucket (PutObject), so ingest starts from the S3 notification as in production; results come back by HTTP callback.',
      'Everything (fauxqs, dynalite, emulator, handlers, this bench) shares 2 cores with the ffmpeg processes, as on a developer machine.',
    ],
    profile,
  };
}
