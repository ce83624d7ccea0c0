// The env-keyed client memo: one client per set of AWS settings, rebuilt when they change and
// forgotten by resetClients() (S3 included, although it lives in its own module).
import { afterAll, describe, expect, it } from 'vitest';
import { dynamo, resetClients, sqs } from '../../../lib/aws/clients';
import { s3 } from '../../../lib/aws/s3';

const saved = { ...process.env };
afterAll(() => {
  resetClients();
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
});

describe('AWS clients', () => {
  it('reuses a client until a setting it is built from changes', async () => {
    process.env.AWS_REGION = 'us-east-1';
    delete process.env.AWS_ENDPOINT_URL;
    delete process.env.AWS_ENDPOINT_URL_S3;
    const [aws, queue, table] = [s3(), sqs(), dynamo()];
    expect(s3()).toBe(aws);
    expect(sqs()).toBe(queue);
    expect(dynamo()).toBe(table);
    expect(aws.config.forcePathStyle).toBe(false);

    process.env.AWS_ENDPOINT_URL_S3 = 'http://127.0.0.1:1';
    const local = s3();
    expect(local).not.toBe(aws);
    expect(local.config.forcePathStyle).toBe(true);
    expect(await local.config.region()).toBe('us-east-1');
    expect(sqs()).not.toBe(queue); // every client is keyed on every endpoint variable
  });

  it('resetClients() forgets every client, the S3 one too', () => {
    const [aws, queue] = [s3(), sqs()];
    resetClients();
    expect(s3()).not.toBe(aws);
    expect(sqs()).not.toBe(queue);
  });
});
