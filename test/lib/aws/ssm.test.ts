// lib/aws/ssm calls Parameter Store without the SSM client; here its GetParameter request is held
// to the SSM client's own (captured before sending, signed at the same date) over regions of every
// partition, FIPS and dual-stack, custom endpoints and parameter names in every script. Then over
// the wire, to a stand-in that checks each request's signature: values, errors and retries.
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { HttpRequest, HttpResponse } from '@smithy/core/protocols';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { resetClients } from '../../../lib/aws/clients';
import { ssm, SsmRequestError } from '../../../lib/aws/ssm';
import { SSM_TEST_CREDENTIALS, startSsmServer, type SsmServer } from './ssm-server';

const saved = { ...process.env };
const VARS = [
  'AWS_REGION',
  'AWS_ENDPOINT_URL',
  'AWS_ENDPOINT_URL_SSM',
  'AWS_USE_FIPS_ENDPOINT',
  'AWS_USE_DUALSTACK_ENDPOINT',
  'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
];
// No profile or shared file of the machine's: credentials, region and endpoints come from the case.
const NO_FILES = {
  AWS_CONFIG_FILE: '/nonexistent/vodflow-test/config',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/vodflow-test/credentials',
};
const setEnv = (env: Record<string, string>) => {
  for (const name of VARS) delete process.env[name];
  Object.assign(
    process.env,
    NO_FILES,
    { AWS_ACCESS_KEY_ID: SSM_TEST_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: SSM_TEST_CREDENTIALS.secretAccessKey },
    env,
  );
  resetClients();
};
afterAll(() => {
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
  resetClients();
});

const NAMES = [
  '/vodflow/prod/vod-secret-id',
  '/vodflow/视频/密钥',
  '/vodflow/emoji 📹/it\'s "quoted"',
  'plain-name',
  '/ümlaut/Ελληνικά/العربية',
];
const CASES: { name: string; env: Record<string, string> }[] = [
  { name: 'us-east-1', env: { AWS_REGION: 'us-east-1' } },
  { name: 'eu-west-1 with a session token (Lambda)', env: { AWS_REGION: 'eu-west-1', AWS_SESSION_TOKEN: 'FwoGZXIvYXdzEXAMPLE//token+/=' } },
  { name: 'China (aws-cn)', env: { AWS_REGION: 'cn-north-1' } },
  { name: 'GovCloud (aws-us-gov) with FIPS', env: { AWS_REGION: 'us-gov-west-1', AWS_USE_FIPS_ENDPOINT: 'true' } },
  { name: 'European Sovereign Cloud (aws-eusc)', env: { AWS_REGION: 'eusc-de-east-1' } },
  { name: 'ISO (aws-iso)', env: { AWS_REGION: 'us-iso-east-1' } },
  { name: 'a region newer than the table', env: { AWS_REGION: 'ap-southeast-9' } },
  { name: 'FIPS', env: { AWS_REGION: 'us-east-2', AWS_USE_FIPS_ENDPOINT: 'true' } },
  { name: 'dual-stack', env: { AWS_REGION: 'ap-northeast-1', AWS_USE_DUALSTACK_ENDPOINT: 'true' } },
  { name: 'FIPS + dual-stack', env: { AWS_REGION: 'us-west-2', AWS_USE_FIPS_ENDPOINT: 'true', AWS_USE_DUALSTACK_ENDPOINT: 'true' } },
  { name: 'AWS_ENDPOINT_URL_SSM (a stand-in)', env: { AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_SSM: 'http://127.0.0.1:4583' } },
  { name: 'AWS_ENDPOINT_URL with a path', env: { AWS_REGION: 'eu-north-1', AWS_ENDPOINT_URL: 'https://proxy.example.com:8443/ssm' } },
  {
    name: 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS',
    env: { AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_SSM: 'http://127.0.0.1:4583', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' },
  },
];

/** The request the SSM client would send for GetParameter(name), captured instead of sent. */
async function sdkRequest(name: string): Promise<HttpRequest> {
  let captured: HttpRequest | undefined;
  const client = new SSMClient({
    requestHandler: {
      handle: async (request: HttpRequest) => {
        captured = request;
        const body = Readable.from([Buffer.from('{"Parameter":{"Value":"x"}}')]);
        return { response: new HttpResponse({ statusCode: 200, headers: {}, body }) };
      },
    },
  });
  await client.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
  client.destroy();
  return captured as HttpRequest;
}

// The SDK's own bookkeeping (user agent, invocation id, attempt count), which it also signs.
const SDK_ONLY = new Set(['user-agent', 'x-amz-user-agent', 'amz-sdk-invocation-id', 'amz-sdk-request', 'authorization']);
const comparable = (r: HttpRequest) => ({
  method: r.method,
  protocol: r.protocol,
  hostname: r.hostname,
  port: r.port,
  path: r.path,
  query: r.query,
  body: Buffer.from(r.body as Uint8Array).toString('utf8'),
  headers: Object.fromEntries(Object.entries(r.headers).filter(([h]) => !SDK_ONLY.has(h))),
  scope: /^AWS4-HMAC-SHA256 Credential=\S+,/.exec(r.headers.authorization ?? '')?.[0],
});
// 20261201T123456Z → Date
const amzDate = (d: string) =>
  new Date(`${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T${d.slice(9, 11)}:${d.slice(11, 13)}:${d.slice(13, 15)}Z`);

describe('lib/aws/ssm GetParameter, held to the SSM client', () => {
  for (const c of CASES)
    it(`sends what the SSM client sends: ${c.name}`, async () => {
      setEnv(c.env);
      for (const name of NAMES) {
        const theirs = await sdkRequest(name);
        const ours = await ssm().sign(name, amzDate(theirs.headers['x-amz-date'] ?? ''));
        expect(comparable(ours), name).toEqual(comparable(theirs));
        expect(ours.headers.authorization).toMatch(/SignedHeaders=content-length;content-type;host;x-amz-content-sha256;x-amz-date;/);
      }
    });

  it('refuses the settings the SSM client refuses, with its words', async () => {
    setEnv({ AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_SSM: 'http://127.0.0.1:4583', AWS_USE_FIPS_ENDPOINT: 'true' });
    const sdk = await sdkRequest('/a').then(
      () => 'sent',
      (e: Error) => e.message,
    );
    expect(sdk).toContain('FIPS and custom endpoint are not supported');
    await expect(ssm().sign('/a')).rejects.toThrow(sdk);
    setEnv({});
    delete process.env.AWS_REGION;
    await expect(ssm().sign('/a')).rejects.toThrow(/region/i);
  });
});

describe('lib/aws/ssm over the wire (a stand-in that checks signatures)', () => {
  let server: SsmServer;
  beforeAll(async () => {
    server = await startSsmServer({ '/vodflow/test/key': 'v-1', '/vodflow/视频/密钥': 'v-2 📹' });
  });
  afterAll(() => server.close());
  beforeEach(() => {
    setEnv({ AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL_SSM: server.endpoint, AWS_SESSION_TOKEN: 'session-token' });
    server.requests.length = 0;
    server.script.length = 0;
    server.badSignatures = 0;
  });

  it('reads values, signed as the stand-in expects (the SSM client passes the same check)', async () => {
    expect(await ssm().getParameter('/vodflow/test/key')).toBe('v-1');
    expect(await ssm().getParameter('/vodflow/视频/密钥')).toBe('v-2 📹');
    const client = new SSMClient({});
    const out = await client.send(new GetParameterCommand({ Name: '/vodflow/test/key', WithDecryption: true }));
    client.destroy();
    expect(out.Parameter?.Value).toBe('v-1');
    expect(server.badSignatures).toBe(0);
    expect(server.requests).toEqual(['/vodflow/test/key', '/vodflow/视频/密钥', '/vodflow/test/key']);
  });

  it('the stand-in refuses a request signed with another key', async () => {
    process.env.AWS_SECRET_ACCESS_KEY = 'not-the-key';
    resetClients();
    await expect(ssm().getParameter('/vodflow/test/key')).rejects.toMatchObject({ code: 'InvalidSignatureException', status: 403 });
    expect(server.badSignatures).toBe(1);
  });

  it('the stand-in refuses a request whose body changed after signing', async () => {
    const signed = await ssm().sign('/vodflow/test/key');
    const swapped = Buffer.from(JSON.stringify({ Name: '/vodflow/test/kez', WithDecryption: true }));
    expect(swapped.length).toBe((signed.body as Buffer).length);
    const http = new NodeHttpHandler();
    const { response } = await http.handle(new HttpRequest({ ...signed, body: swapped }));
    const text = Buffer.concat(await response.body.toArray()).toString('utf8');
    http.destroy();
    expect(response.statusCode, text).toBe(403);
    expect(server.badSignatures).toBe(1);
    expect(server.requests).toEqual([]);
  });

  it('names a missing parameter with SSM’s code, without retrying', async () => {
    const err = await ssm()
      .getParameter('/vodflow/test/none')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SsmRequestError);
    expect(err).toMatchObject({ code: 'ParameterNotFound', status: 400, name: 'ParameterNotFound' });
    expect((err as Error).message).toBe('SSM GetParameter /vodflow/test/none: 400 ParameterNotFound (no parameter /vodflow/test/none)');
    expect(server.requests).toEqual(['/vodflow/test/none']);
  });

  it('takes the code from x-amzn-errortype when the body has none', async () => {
    server.script.push({
      status: 400,
      body: '',
      headers: { 'x-amzn-errortype': 'AccessDeniedException:http://internal.amazon.com/coral/com.amazon.coral.service/' },
    });
    await expect(ssm().getParameter('/vodflow/test/key')).rejects.toMatchObject({ code: 'AccessDeniedException', status: 400 });
    expect(server.requests.length).toBe(1);
  });

  it('retries a 5xx page and throttling as the SDK does, then reads the value', async () => {
    server.script.push(
      { status: 502, body: '<html>Bad Gateway</html>', headers: { 'content-type': 'text/html' } },
      { status: 400, body: JSON.stringify({ __type: 'com.amazonaws.ssm#ThrottlingException', message: 'Rate exceeded' }) },
    );
    expect(await ssm().getParameter('/vodflow/test/key')).toBe('v-1');
    expect(server.requests.length).toBe(3);
  });

  it('gives up after 3 attempts with the last answer', async () => {
    for (let i = 0; i < 4; i++) server.script.push({ status: 503, body: '' });
    await expect(ssm().getParameter('/vodflow/test/key')).rejects.toMatchObject({ code: 'HTTP503', status: 503 });
    expect(server.requests.length).toBe(3);
  });

  it('refuses a 2xx answer that is not GetParameter’s JSON, without retrying', async () => {
    server.script.push({ status: 200, body: '<html>captive portal</html>' });
    await expect(ssm().getParameter('/vodflow/test/key')).rejects.toThrow(
      'SSM GetParameter /vodflow/test/key: 200 InvalidAnswer (not the JSON of a GetParameter answer)',
    );
    expect(server.requests.length).toBe(1);
  });
});
