// Tencent's official Node SDK for API 2.0 (qcloudapi-sdk, which sends with `request`) against the
// emulator. The SDK builds its URL as protocol://host + path and signs `METHOD + host + path`, so
// passing host '127.0.0.1:PORT', protocol 'http' targets the emulator with no patching: the port is
// part of the signed host, exactly as the emulator checks it.
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_ACCOUNT, startEmulator, type RunningEmulator } from '../../emulator';

type Callback = (error: Error | null, body: Record<string, unknown>) => void;
interface QcloudApi {
  request(data: Record<string, unknown>, opts: Record<string, unknown>, cb: Callback): void;
}
const QcloudApiCtor = createRequire(import.meta.url)('qcloudapi-sdk') as new (defaults: Record<string, unknown>) => QcloudApi;

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startEmulator({ env: false, log: false });
});
afterAll(() => emu?.close());

function call(
  secretKey: string,
  data: Record<string, unknown>,
  method: 'GET' | 'POST',
  signatureMethod?: 'sha256',
): Promise<Record<string, unknown>> {
  const sdk = new QcloudApiCtor({
    SecretId: DEV_ACCOUNT.secretId,
    SecretKey: secretKey,
    Region: 'gz',
    serviceType: 'vod',
    signatureMethod,
  });
  const { host } = new URL(emu.url);
  return new Promise((resolve, reject) =>
    sdk.request(data, { host, protocol: 'http', path: '/v2/index.php', method }, (err, body) => (err ? reject(err) : resolve(body))),
  );
}

describe('qcloudapi-sdk against the emulator', () => {
  it('DescribeClass succeeds with GET and POST, HmacSHA1 and HmacSHA256', async () => {
    expect(await call(DEV_ACCOUNT.secretKey, { Action: 'DescribeClass' }, 'POST')).toMatchObject({ code: 0, data: [{ id: '0' }] });
    expect((await call(DEV_ACCOUNT.secretKey, { Action: 'DescribeClass' }, 'GET')).code).toBe(0);
    expect((await call(DEV_ACCOUNT.secretKey, { Action: 'DescribeClass' }, 'POST', 'sha256')).code).toBe(0);
  });

  it('UTF-8 parameters sent by the SDK reach the action', async () => {
    const created = await call(DEV_ACCOUNT.secretKey, { Action: 'CreateClass', className: 'sdk 分类' }, 'POST');
    expect(created.code).toBe(0);
    const all = await call(DEV_ACCOUNT.secretKey, { Action: 'DescribeAllClass' }, 'GET');
    expect(all.data).toContainEqual(expect.objectContaining({ info: expect.objectContaining({ name: 'sdk 分类' }) }));
  });

  it('a wrong key gets 4100', async () => {
    expect(await call('not-the-key', { Action: 'DescribeClass' }, 'POST')).toMatchObject({ code: 4100, codeDesc: 'AuthFailure' });
  });
});
