import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { eventIdOf, failedEvent, readyEvent } from '../../../lib/events/build';
import { downstreamEvent } from '../../../lib/events/contracts';
import { signedHeaders } from '../../../lib/events/webhook';
import { eventsDir, generateEventSchemas, REGENERATE_COMMAND } from '../../../lib/events/schema';
import { jobSchema } from '../../../lib/jobs/types';

const job = jobSchema.parse({
  jobId: 's3-abcdefghijklmnopqrstuvwxyz',
  status: 'PROCESSING',
  attempt: 2,
  createdAt: '2026-11-21T20:00:00.000Z',
  updatedAt: '2026-11-21T20:00:00.000Z',
  ttl: 1,
  source: { bucket: 'b', key: 'k.mp4', etag: 'e', size: 10 },
  fileId: '123',
  vodTaskId: 'task-1',
});
const outputs = { fileId: '123', playSet: [{ definition: 10, url: 'http://x/f0.f10.mp4' }], snapshots: [] };
const error = {
  code: -43001,
  stage: 'probe',
  step: 'probe-source',
  cause: 'corrupt-file',
  retryable: false,
  message: '文件损坏',
  message_en: 'corrupt',
  action: 'Re-encode',
  attempts: 2,
};

describe('downstream events', () => {
  it('are CloudEvents 1.0 with an id fixed by job and terminal state', () => {
    const a = readyEvent(job, outputs, '/vodflow/test', new Date(0));
    const b = readyEvent(job, outputs, '/vodflow/test', new Date(5000));
    expect(a.id).toBe(b.id);
    expect(a.id).toBe(eventIdOf(job.jobId, 'ready'));
    expect(a).toMatchObject({ specversion: '1.0', type: 'vodflow.video.ready', subject: job.jobId, datacontenttype: 'application/json' });
    const f = failedEvent(job, error, '/vodflow/test');
    expect(f.id).not.toBe(a.id);
    expect(f).toMatchObject({
      type: 'vodflow.video.failed',
      data: { error: { code: -43001, retryable: false }, attempts: 2, vodTaskId: 'task-1' },
    });
  });

  it('of a failure stored by its parts: the record reads with the event they make, the same on every read', () => {
    const finishedAt = '2026-12-03T10:00:00.000Z';
    const stored = { ...job, status: 'FAILED', error, finishedAt, eventParts: { eventSource: '/vodflow/test', vodTaskId: 'pull-9' } };
    const first = jobSchema.parse(stored).event;
    expect(first).toEqual(failedEvent({ ...job, vodTaskId: 'pull-9' }, error, '/vodflow/test', new Date(finishedAt)));
    expect(jobSchema.parse(JSON.parse(JSON.stringify(stored))).event).toEqual(first);
    // Without a task of its own the failure names the job's; a stored event is read as stored.
    expect(jobSchema.parse({ ...stored, eventParts: { eventSource: '/x' } }).event).toMatchObject({
      source: '/x',
      data: { vodTaskId: 'task-1' },
    });
    const kept = failedEvent(job, error, '/kept', new Date(0));
    expect(jobSchema.parse({ ...stored, event: kept }).event).toEqual(kept);
    // Parts make an event only for a failed job with its error and finish time.
    expect(jobSchema.parse({ ...stored, status: 'PROCESSING' }).event).toBeUndefined();
    expect(jobSchema.parse({ ...stored, error: undefined }).event).toBeUndefined();
    // Parts that make no event are a parse issue naming them (the CLI shows the record), not a throw.
    const damaged = jobSchema.safeParse({ ...stored, finishedAt: 'yesterday' });
    expect(damaged.success).toBe(false);
    expect(damaged.error?.issues.map((i) => [i.path.join('.'), i.message.slice(0, 24)])).toEqual([
      ['eventParts', 'does not make an event: '],
    ]);
  });

  it('reject an event without its data', () => {
    const a = readyEvent(job, outputs, '/x');
    expect(downstreamEvent.safeParse({ ...a, data: undefined }).success).toBe(false);
    expect(downstreamEvent.safeParse({ ...a, specversion: '0.3' }).success).toBe(false);
  });

  it('are signed with Standard Webhooks headers that verify with the same secret only', () => {
    const secret = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
    const event = readyEvent(job, outputs, '/x');
    const body = JSON.stringify(event);
    const headers = signedHeaders(secret, event, body);
    expect(headers['webhook-id']).toBe(event.id);
    expect(new Webhook(secret).verify(body, headers)).toMatchObject({ id: event.id });
    expect(() => new Webhook(secret).verify(body.replace('ready', 'reedy'), headers)).toThrow();
  });
});

describe('events/ JSON Schema', () => {
  it('the committed files equal the ones generated from zod', () => {
    for (const [file, text] of Object.entries(generateEventSchemas())) {
      let committed = '';
      try {
        committed = readFileSync(`${eventsDir}${file}`, 'utf8');
      } catch {
        committed = '(missing)';
      }
      expect(committed, `events/${file} is stale: run ${REGENERATE_COMMAND}`).toBe(text);
    }
  });
});

describe('events/ JSON Schema, read by a JSON Schema validator', () => {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  const withPassthrough = jobSchema.parse({ ...job, passthrough: 'order-1234' });
  const cases = [
    ['vodflow.video.ready.v1.schema.json', readyEvent(withPassthrough, outputs, '/vodflow/test')],
    ['vodflow.video.failed.v1.schema.json', failedEvent(withPassthrough, error, '/vodflow/test')],
  ] as const;

  it('carry $id equal to the dataschema of the events they describe', () => {
    for (const [file, event] of cases) {
      const schema = JSON.parse(readFileSync(`${eventsDir}${file}`, 'utf8')) as { $id: string };
      expect(schema.$id, file).toBe(event.dataschema);
    }
  });

  it('accept CloudEvents extension attributes (traceparent) and the echoed passthrough, and reject a malformed one', () => {
    for (const [file, event] of cases) {
      const validate = ajv.compile(JSON.parse(readFileSync(`${eventsDir}${file}`, 'utf8')));
      expect((event.data as { passthrough?: string }).passthrough).toBe('order-1234');
      const traced = { ...event, traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', sampled: true };
      expect(validate(traced), JSON.stringify(validate.errors)).toBe(true);
      expect(downstreamEvent.parse(traced)).toMatchObject({ traceparent: traced.traceparent });
      expect(validate({ ...event, traceparent: { not: 'a CloudEvents type' } })).toBe(false);
      expect(validate({ ...event, data: { ...event.data, passthrough: 'x'.repeat(256) } })).toBe(false);
      expect(validate({ ...event, dataschema: 'urn:vodflow:schema:other:v1' })).toBe(false);
    }
  });
});
