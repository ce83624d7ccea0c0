// The env-keyed client memo: one client per set of AWS settings, rebuilt when they change and
// forgotten by resetClients() (S3's presigning included, although it lives in its own module).
import { afterAll, describe, expect, it } from 'vitest';
import { dynamo, resetClients, sqs } from '../../../lib/aws/clients';
import { presignGet } from '../../../lib/aws/s3';

const saved = { ...process.env };
afterAll(() => {
  resetClients();
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
});

describe('AWS clients', () => {
  it('reuses a client until a setting it is built from changes', async () => {
    process.env.AWS_REGION = 'us-east-1';
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'example' });
    delete process.env.AWS_ENDPOINT_URL;
    delete process.env.AWS_ENDPOINT_URL_S3;
    const [queue, table] = [sqs(), dynamo()];
    expect(sqs()).toBe(queue);
    expect(dynamo()).toBe(table);
    const object = { bucket: 'vodflow-test-uploads', key: 'clip.mp4' };
    expect(new URL(await presignGet(object, 60)).host).toBe('vodflow-test-uploads.s3.us-east-1.amazonaws.com');

    process.env.AWS_ENDPOINT_URL_S3 = 'http://127.0.0.1:1';
    // A local endpoint is addressed by path: the bucket is no subdomain of 127.0.0.1.
    const local = new URL(await presignGet(object, 60));
    expect(`${local.host}${local.pathname}`).toBe('127.0.0.1:1/vodflow-test-uploads/clip.mp4');
    expect(local.searchParams.get('X-Amz-Credential')).toMatch(/\/us-east-1\/s3\/aws4_request$/);
    expect(sqs()).not.toBe(queue); // every client is keyed on every endpoint variable
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
