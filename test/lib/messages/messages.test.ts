import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { delayPlan, fullJitterS, internalMessage, MAX_DELAY_S, procedureOutcome, pullOutcome, readMessage, s3Notification, decodeS3Key } from '../../../lib/messages';

const eventsDir = new URL('../../../events/samples/', import.meta.url);

describe('internal messages', () => {
  it('validate each type and reject a wrong or malformed one', () => {
    const msg = { v: 1, type: 'poll-status', jobId: 'j', attempt: 1, vodTaskId: 't', task: 'pull', seq: 0, startedAt: 1 };
    expect(readMessage(JSON.stringify(msg), 'poll-status')).toMatchObject({ seq: 0 });
    expect(() => readMessage(JSON.stringify(msg), 'task-finished')).toThrow(/expected a task-finished/);
    expect(() => readMessage(JSON.stringify({ ...msg, v: 2 }), 'poll-status')).toThrow(/v/);
    expect(() => readMessage('{', 'poll-status')).toThrow(/not JSON/);
  });

  it('every SQS sample in events/ carries a valid message or S3 notification', () => {
    const samples = readdirSync(eventsDir).filter((f) => f.endsWith('.json') && !f.includes('.schema.'));
    let sqs = 0;
    for (const file of samples) {
      const event = JSON.parse(readFileSync(new URL(file, eventsDir), 'utf8')) as { Records?: Array<{ body: string }> };
      if (!event.Records) continue;
      sqs++;
      const body = JSON.parse(event.Records[0]!.body);
      const ok = file.startsWith('ingest.') ? s3Notification.safeParse(body).success : internalMessage.safeParse(body).success;
      expect(ok, file).toBe(true);
    }
    expect(sqs).toBe(8);
  });
});

describe('backoff', () => {
  it('full jitter stays within [min, min(cap, base·2^n)]', () => {
    expect(fullJitterS(3, 5, 300, 0, () => 0.999)).toBe(40);
    expect(fullJitterS(10, 5, 300, 0, () => 0.999)).toBe(300);
    expect(fullJitterS(3, 5, 300, 1, () => 0)).toBe(1);
  });
  it('waits over 900 s hop with dueAt', () => {
    expect(delayPlan(120)).toEqual({ delaySeconds: 120 });
    expect(delayPlan(2000, 0)).toEqual({ delaySeconds: MAX_DELAY_S, dueAt: 2_000_000 });
  });
});

describe('task outcomes', () => {
  const ok = { taskType: 'Transcode', status: 'SUCCESS', errCode: 0, message: '' };
  it('prefer the specific processing code over the generic sub-task code', () => {
    const out = procedureOutcome({
      status: 'FINISH', errCode: 30009, message: 'source', processTaskList: [ok, { taskType: 'Transcode', status: 'FAIL', errCode: -43001, message: 'corrupt' }],
    });
    expect(out).toEqual({ ok: false, code: -43001, message: 'corrupt', subTask: 'Transcode' });
  });
  it('collect cover and snapshots of a success', () => {
    const out = procedureOutcome({
      status: 'FINISH', errCode: 0, message: '', fileId: 'f', metaData: { duration: 2 },
      processTaskList: [ok, { taskType: 'CoverBySnapshot', status: 'SUCCESS', message: '', output: { imageUrl: 'c.jpg' } },
        { taskType: 'SnapshotByTimeOffset', status: 'SUCCESS', message: '', output: { imgInfo: [{ timeOffset: 1000, url: 's.jpg' }] } }],
    });
    expect(out).toEqual({ ok: true, fileId: 'f', coverUrl: 'c.jpg', snapshots: [{ timeOffset: 1000, url: 's.jpg' }], duration: 2 });
  });
  it('read a pull result', () => {
    expect(pullOutcome({ status: 0, message: '', fileId: '9' })).toMatchObject({ ok: true, fileId: '9' });
    expect(pullOutcome({ status: 10001, message: 'fetch failed', fileId: '9' })).toMatchObject({ ok: false, code: 10001 });
  });
  it('decodes S3 keys', () => expect(decodeS3Key('a+b%2Fc%2B.mp4')).toBe('a b/c+.mp4'));
});
