// readSecret against an SSM protocol server that checks signatures: values are read from
// Parameter Store once and cached, and the calls follow AWS_ENDPOINT_URL_SSM.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freshContainer } from '../../../lib/container';
import { clearSecretCache, readSecret } from '../../../lib/aws/secrets';
import { SSM_TEST_CREDENTIALS, startSsmServer, type SsmServer } from './ssm-server';

const saved = { ...process.env };
let first: SsmServer;
let second: SsmServer;

beforeAll(async () => {
  [first, second] = await Promise.all([
    startSsmServer({ '/vodflow/test/api-keys': 'k1,k2', '/vodflow/test/empty': '' }),
    startSsmServer({ '/vodflow/test/api-keys': 'from-second' }),
  ]);
  // The test's credentials, not a profile or shared file of the machine's.
  delete process.env.AWS_PROFILE;
  Object.assign(process.env, {
    AWS_CONFIG_FILE: '/nonexistent/vodflow-test/config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/vodflow-test/credentials',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: SSM_TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: SSM_TEST_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_SSM: first.endpoint,
  });
});

afterEach(() => {
  process.env.AWS_ENDPOINT_URL_SSM = first.endpoint;
  freshContainer();
});

afterAll(async () => {
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
  freshContainer();
  await Promise.all([first.close(), second.close()]);
});

const apiKeys = { value: undefined, param: '/vodflow/test/api-keys', name: 'API_KEYS' };

describe('readSecret', () => {
  it('returns a plain value without asking SSM', async () => {
    const before = first.requests.length;
    expect(await readSecret({ value: 'inline', param: '/vodflow/test/api-keys', name: 'API_KEYS' })).toBe('inline');
    expect(first.requests.length).toBe(before);
  });

  it('reads a parameter from SSM once, then from its cache', async () => {
    const before = first.requests.length;
    expect(await readSecret(apiKeys)).toBe('k1,k2');
    expect(await readSecret(apiKeys)).toBe('k1,k2');
    expect(first.requests.slice(before)).toEqual(['/vodflow/test/api-keys']);
  });

  it('follows AWS_ENDPOINT_URL_SSM after freshContainer(), as a new container would', async () => {
    expect(await readSecret(apiKeys)).toBe('k1,k2');
    process.env.AWS_ENDPOINT_URL_SSM = second.endpoint;
    clearSecretCache();
    expect(await readSecret(apiKeys)).toBe('k1,k2'); // the SSM client was built for the first endpoint
    freshContainer();
    expect(await readSecret(apiKeys)).toBe('from-second');
    expect(second.requests).toEqual(['/vodflow/test/api-keys']);
  });

  it('names the parameter and the setting when the value is empty', async () => {
    await expect(readSecret({ value: undefined, param: '/vodflow/test/empty', name: 'CALLBACK_TOKEN' })).rejects.toThrow(
      'SSM parameter /vodflow/test/empty (for CALLBACK_TOKEN) is empty or missing',
    );
  });

  it('fails naming both variables when neither is set', async () => {
    await expect(readSecret({ value: undefined, param: undefined, name: 'API_KEYS' })).rejects.toThrow('set API_KEYS or API_KEYS_PARAM');
  });
});
