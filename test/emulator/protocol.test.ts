// The request rules of the seed (reference §1–§3) as the emulator enforces them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeParams, hmacBase64, sign, signRequest, stringToSign } from '../../lib/vod/signer';
import { DEV_ACCOUNT, startEmulator, type RunningEmulator } from '../../emulator';
import { api, type Json } from './helpers';

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startEmulator({ env: false, log: false, limits: { maxBodyBytes: 4096, maxQueryBytes: 4096 } });
});
afterAll(() => emu?.close());

const raw = async (url: string, init?: RequestInit): Promise<{ status: number; body: Json }> => {
  const res = await fetch(url, init);
  return { status: res.status, body: (await res.json()) as Json };
};

/** Common params + signature for the emulator's host, with full control over what is sent. */
function signed(params: Record<string, string>, method = 'GET', path = '/v2/index.php', secretKey: string = DEV_ACCOUNT.secretKey) {
  const host = new URL(emu.url).host;
  const all = {
    Region: 'gz',
    Timestamp: String(Math.floor(Date.now() / 1000)),
    Nonce: String(Math.floor(Math.random() * 1e9)),
    SecretId: DEV_ACCOUNT.secretId,
    ...params,
  };
  return { ...all, Signature: sign({ method, host, path, params: all, secretKey }) };
}

describe('emulator protocol', () => {
  it('accepts GET and POST, HmacSHA1 and HmacSHA256, on /v2/index.php and /v2/interface.php', async () => {
    expect((await api(emu.endpoint, 'DescribeClass')).code).toBe(0);
    expect((await api(emu.endpoint, 'DescribeClass', {}, { method: 'POST' })).code).toBe(0);
    expect((await api(emu.endpoint, 'DescribeClass', {}, { signatureMethod: 'HmacSHA256' })).code).toBe(0);
    const r = await api(`${emu.url}/v2/interface.php`, 'DescribeClass');
    expect(r).toMatchObject({ code: 0, message: '', codeDesc: 'Success' });
  });

  it('names each missing common parameter with 4000', async () => {
    for (const missing of ['Action', 'Region', 'Timestamp', 'Nonce', 'SecretId', 'Signature']) {
      const params = signed({ Action: 'DescribeClass' });
      delete (params as Record<string, string>)[missing];
      const { status, body } = await raw(`${emu.endpoint}?${encodeParams(params)}`);
      expect(status).toBe(200);
      expect(body.code).toBe(4000);
      expect(body.message).toContain(missing);
    }
  });

  it('checks the signature against the Host header actually used, with a hint', async () => {
    const url = new URL(emu.endpoint);
    const req = signRequest({ endpoint: `http://${url.hostname}/v2/index.php`, action: 'DescribeClass', credentials: DEV_ACCOUNT });
    const { body } = await raw(req.url.replace(`http://${url.hostname}`, emu.url));
    expect(body.code).toBe(4100);
    expect(body.message).toContain(`signed for host ${url.hostname} but sent to ${url.host}`);
    expect(
      (await api(emu.endpoint, 'DescribeClass', {}, { credentials: { secretId: DEV_ACCOUNT.secretId, secretKey: 'wrong' } })).code,
    ).toBe(4100);
    const unknown = await api(emu.endpoint, 'DescribeClass', {}, { credentials: { secretId: 'AKIDnobody', secretKey: 'x' } });
    expect(unknown).toMatchObject({ code: 4100, codeDesc: 'AuthFailure' });
  });

  it('refuses stale timestamps and replayed nonces with 4500', async () => {
    const stale = await api(emu.endpoint, 'DescribeClass', {}, { timestamp: Math.floor(Date.now() / 1000) - 7201 });
    expect(stale.code).toBe(4500);
    const params = signed({ Action: 'DescribeClass' });
    expect((await raw(`${emu.endpoint}?${encodeParams(params)}`)).body.code).toBe(0);
    expect((await raw(`${emu.endpoint}?${encodeParams(params)}`)).body.code).toBe(4500);
  });

  it('answers unknown actions with 6100 and general actions on the upload-only path with 6100', async () => {
    expect((await api(emu.endpoint, 'DescribeNothing')).code).toBe(6100);
    expect((await api(`${emu.url}/v3/index.php`, 'DescribeClass')).code).toBe(6100);
  });

  it('refuses malformed input with 4000: duplicates, bad escapes, invalid UTF-8', async () => {
    const base = encodeParams(signed({ Action: 'DescribeClass' }));
    for (const q of [`${base}&Action=DescribeClass`, `${base}&x=%ZZ`, `${base}&x=%FF%FE`, `${base}&x=%`]) {
      const { status, body } = await raw(`${emu.endpoint}?${q}`);
      expect([status, body.code]).toEqual([200, 4000]);
    }
  });

  it('verifies any SignatureMethod other than HmacSHA256 as HmacSHA1, as documented', async () => {
    // signed() signs with the rule of lib/vod/signer: HmacSHA1 unless the params say HmacSHA256.
    for (const spelling of ['MD5', 'hmacsha256', 'HmacSHA1', 'HMAC-SHA256', '']) {
      const { body } = await raw(`${emu.endpoint}?${encodeParams(signed({ Action: 'DescribeClass', SignatureMethod: spelling }))}`);
      expect(body.code, spelling).toBe(0);
    }
    // The same misspelling signed with SHA-256 does not pass: it really is checked as HmacSHA1.
    const host = new URL(emu.url).host;
    const all = {
      Action: 'DescribeClass',
      Region: 'gz',
      Timestamp: String(Math.floor(Date.now() / 1000)),
      Nonce: '77',
      SecretId: DEV_ACCOUNT.secretId,
      SignatureMethod: 'hmacsha256',
    };
    const sha256 = hmacBase64(stringToSign('GET', host, '/v2/index.php', all), DEV_ACCOUNT.secretKey, 'HmacSHA256');
    const { body } = await raw(`${emu.endpoint}?${encodeParams({ ...all, Signature: sha256 })}`);
    expect(body.code).toBe(4100);
  });

  it('POST reads the form body only and ignores the query', async () => {
    const form = encodeParams(signed({ Action: 'DescribeClass' }, 'POST'));
    const ok = await raw(emu.endpoint, { method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(ok.body.code).toBe(0);
    const queryOnly = await raw(`${emu.endpoint}?${encodeParams(signed({ Action: 'DescribeClass' }, 'POST'))}`, { method: 'POST' });
    expect(queryOnly.body).toMatchObject({ code: 4000, message: 'missing common parameter Action' });
    const json = await raw(emu.endpoint, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(json.body.code).toBe(4000);
  });

  it('refuses oversized bodies and query strings with a code, and keeps answering', async () => {
    const big = await raw(emu.endpoint, {
      method: 'POST',
      body: `Action=DescribeClass&x=${'a'.repeat(10_000)}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(big).toMatchObject({ status: 200, body: { code: 4000 } });
    const longQuery = await raw(`${emu.endpoint}?Action=DescribeClass&x=${'a'.repeat(5000)}`);
    expect(longQuery).toMatchObject({ status: 200, body: { code: 4000 } });
    const huge = await fetch(`${emu.endpoint}?x=${'a'.repeat(300_000)}`);
    expect(huge.status).toBe(431);
    expect(((await huge.json()) as Json).code).toBe(4000);
    expect((await api(emu.endpoint, 'DescribeClass')).code).toBe(0);
  });

  it('answers CORS preflights', async () => {
    const res = await fetch(emu.endpoint, {
      method: 'OPTIONS',
      headers: { origin: 'http://app.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
  });
});
