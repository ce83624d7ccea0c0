// The client memo: one client per container, as on Lambda, built from the settings of the first
// call and rebuilt only after resetClients() (S3's presigning included, although it lives in its
// own module), which destroys the old ones; lib/container's freshContainer() does it with the rest.
import { afterAll, describe, expect, it, vi } from 'vitest';
import { dynamo, resetClients, sqs } from '../../../lib/aws/clients';
import { presignGet } from '../../../lib/aws/s3';
import { config } from '../../../lib/config';
import { freshContainer } from '../../../lib/container';

const saved = { ...process.env };
afterAll(() => {
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
  freshContainer();
});

describe('AWS clients', () => {
  it('keeps each client until resetClients(), which destroys it', async () => {
    process.env.AWS_REGION = 'us-east-1';
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'example' });
    delete process.env.AWS_ENDPOINT_URL;
    delete process.env.AWS_ENDPOINT_URL_S3;
    resetClients();
    const [queue, table] = [sqs(), dynamo()];
    expect(sqs()).toBe(queue);
    expect(dynamo()).toBe(table);
    const object = { bucket: 'vodflow-test-uploads', key: 'clip.mp4' };
    expect(new URL(await presignGet(object, 60)).host).toBe('vodflow-test-uploads.s3.us-east-1.amazonaws.com');

    process.env.AWS_ENDPOINT_URL_S3 = 'http://127.0.0.1:1';
    // The environment is read when a client is built, not on each call.
    expect(new URL(await presignGet(object, 60)).host).toBe('vodflow-test-uploads.s3.us-east-1.amazonaws.com');
    expect(sqs()).toBe(queue);
    const destroyed = [vi.spyOn(queue, 'destroy'), vi.spyOn(table, 'destroy')];
    resetClients();
    for (const spy of destroyed) expect(spy).toHaveBeenCalledOnce();
    // A local endpoint is addressed by path: the bucket is no subdomain of 127.0.0.1.
    const local = new URL(await presignGet(object, 60));
    expect(`${local.host}${local.pathname}`).toBe('127.0.0.1:1/vodflow-test-uploads/clip.mp4');
    expect(local.searchParams.get('X-Amz-Credential')).toMatch(/\/us-east-1\/s3\/aws4_request$/);
    expect(sqs()).not.toBe(queue);
    expect(dynamo()).not.toBe(table);
  });

  it('freshContainer() starts over from the environment as it is now: config and clients', async () => {
    for (const [k, v] of Object.entries({
      JOBS_TABLE: 'first-table',
      UPLOAD_BUCKET: 'b',
      ...Object.fromEntries(
        ['UPLOAD', 'PROCESS', 'POLL', 'RESULT', 'CLASSIFY', 'EVENTS', 'DELIVER'].map((q) => [`${q}_QUEUE`, `q-${q.toLowerCase()}`]),
      ),
      VOD_SECRET_ID: 'id',
      VOD_SECRET_KEY: 'key',
    }))
      process.env[k] = v;
    freshContainer();
    const queue = sqs();
    expect(config().jobsTable).toBe('first-table');
    process.env.JOBS_TABLE = 'second-table';
    expect(config().jobsTable).toBe('first-table');
    freshContainer();
    expect(config().jobsTable).toBe('second-table');
    expect(sqs()).not.toBe(queue);
  });

  it('resetClients() forgets every client, S3 presigning too', async () => {
    process.env.AWS_REGION = 'eu-west-1';
    delete process.env.AWS_ENDPOINT_URL_S3;
    const object = { bucket: 'vodflow-test-uploads', key: 'clip.mp4' };
    await presignGet(object, 60);
    const queue = sqs();
    // A setting outside the memo's key (read once, when S3 presigning is set up) takes effect
    // only through resetClients().
    process.env.AWS_USE_DUALSTACK_ENDPOINT = 'true';
    expect(new URL(await presignGet(object, 60)).host).toBe('vodflow-test-uploads.s3.eu-west-1.amazonaws.com');
    resetClients();
    expect(new URL(await presignGet(object, 60)).host).toBe('vodflow-test-uploads.s3.dualstack.eu-west-1.amazonaws.com');
    expect(sqs()).not.toBe(queue);
    delete process.env.AWS_USE_DUALSTACK_ENDPOINT;
  });
});
