// TC3 signer: the reference's worked vectors (vod-v3-api.md §2.5) and agreement with Tencent's
// own signer (tencentcloud-sdk-nodejs-common, a devDependency oracle) on random requests.
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAuthorization, sign3, signingKey, verify3 } from '../../../../lib/vod/v3/sign';

const require = createRequire(import.meta.url);
const SdkSign = require('tencentcloud-sdk-nodejs-common/tencentcloud/common/sign.js').default as {
  sign3(o: Record<string, unknown>): string;
};

const hdrs = (o: Record<string, string>) => new Map(Object.entries(o));
const V2_ID = 'AKIDvodTESTvector00000000000000000001';
const V2_KEY = 'vodTESTvectorSecretKey0000000001';

describe('TC3 worked vectors', () => {
  it('V1: the doc example (cvm, content-type;host)', () => {
    const s = sign3({
      secretId: 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******',
      secretKey: 'Gu5t9xGARNpq86cd98joQYCN3*******',
      timestamp: 1551113065,
      method: 'POST',
      headers: hdrs({ 'content-type': 'application/json; charset=utf-8', host: 'cvm.tencentcloudapi.com' }),
      payload: '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}',
    });
    expect(s.credentialScope).toBe('2019-02-25/cvm/tc3_request');
    expect(signingKey('Gu5t9xGARNpq86cd98joQYCN3*******', '2019-02-25', 'cvm').toString('hex')).toBe(
      '8aa8ab5755582f576e94bcfe383b8e29325b0ca90c3590d569221c6a63a091ed',
    );
    expect(s.signature).toBe('2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c');
  });

  it('V1b: the current doc revision also signs x-tc-action (lower-cased value)', () => {
    const s = sign3({
      secretId: 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******',
      secretKey: 'Gu5t9xGARNpq86cd98joQYCN3*******',
      timestamp: 1551113065,
      method: 'POST',
      headers: hdrs({
        'content-type': 'application/json; charset=utf-8',
        host: 'cvm.tencentcloudapi.com',
        'x-tc-action': 'describeinstances',
      }),
      payload: '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}',
    });
    expect(s.signature).toBe('be4f67d323c78ab9acb7395e43c0dbcf822a9cfac32fea2449a7bc7726b770a3');
  });

  it('V2: VOD ProcessMedia POST JSON; the scope date is the UTC date', () => {
    const body =
      '{"FileId":"5285890784246869930","SubAppId":1500000001,"MediaProcessTask":{"TranscodeTaskSet":[{"Definition":100210}],"CoverBySnapshotTaskSet":[{"Definition":10,"PositionType":"Time","PositionValue":0}]},"TasksPriority":0,"SessionContext":"job-42","SessionId":"job-42-try-1"}';
    const s = sign3({
      secretId: V2_ID,
      secretKey: V2_KEY,
      timestamp: 1735689599,
      method: 'POST',
      headers: hdrs({ 'content-type': 'application/json', host: 'vod.tencentcloudapi.com' }),
      payload: body,
    });
    expect(s.credentialScope).toBe('2024-12-31/vod/tc3_request');
    expect(s.signature).toBe('370c39809f4a5fb209a729687c77964f843b33fa18b68be832fe63b9d4695ec6');
    expect(s.authorization).toBe(
      `TC3-HMAC-SHA256 Credential=${V2_ID}/2024-12-31/vod/tc3_request, SignedHeaders=content-type;host, Signature=${s.signature}`,
    );
  });

  it('V3: DescribeTaskDetail via GET', () => {
    const s = sign3({
      secretId: V2_ID,
      secretKey: V2_KEY,
      timestamp: 1700000000,
      method: 'GET',
      query: 'TaskId=1500000001-procedure-9f86d081884c7d65&SubAppId=1500000001',
      headers: hdrs({ 'content-type': 'application/x-www-form-urlencoded', host: 'vod.tencentcloudapi.com' }),
      payload: '',
    });
    expect(s.signature).toBe('e79fed19481027e6c5a68d5c3ebb050a59293b1dfe377d6e4bd5704c07e1a383');
  });
});

const jsonValue = fc.jsonValue({ maxDepth: 3 }).filter((v) => v !== null);

describe('agrees with the SDK signer on random requests', () => {
  it('POST JSON bodies, any keys, timestamps and hosts', () => {
    fc.assert(
      fc.property(
        fc.record({
          secretId: fc.stringMatching(/^[A-Za-z0-9]{8,40}$/),
          secretKey: fc.string({ minLength: 1, maxLength: 40 }),
          timestamp: fc.integer({ min: 1_000_000_000, max: 4_000_000_000 }),
          host: fc.constantFrom('vod.tencentcloudapi.com', 'vod.ap-guangzhou.tencentcloudapi.com', 'vod.intl.tencentcloudapi.com'),
          body: fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), jsonValue, { maxKeys: 6 }),
        }),
        ({ secretId, secretKey, timestamp, host, body }) => {
          const sdk = SdkSign.sign3({
            method: 'POST',
            url: `https://${host}/`,
            payload: body,
            timestamp,
            service: 'vod',
            secretId,
            secretKey,
            multipart: false,
            headers: { 'Content-Type': 'application/json' },
          });
          const ours = sign3({
            secretId,
            secretKey,
            timestamp,
            method: 'POST',
            headers: hdrs({ 'content-type': 'application/json', host }),
            payload: JSON.stringify(body),
          });
          expect(ours.authorization).toBe(sdk);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('GET with a query string', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1_000_000_000, max: 4_000_000_000 }),
        (taskId, timestamp) => {
          const query = new URLSearchParams({ TaskId: taskId, SubAppId: '1500000001' }).toString();
          const sdk = SdkSign.sign3({
            method: 'GET',
            url: `https://vod.tencentcloudapi.com/?${query}`,
            payload: '',
            timestamp,
            service: 'vod',
            secretId: V2_ID,
            secretKey: V2_KEY,
            headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          });
          const ours = sign3({
            secretId: V2_ID,
            secretKey: V2_KEY,
            timestamp,
            method: 'GET',
            query,
            headers: hdrs({ 'content-type': 'application/x-www-form-urlencoded', host: 'vod.tencentcloudapi.com' }),
            payload: '',
          });
          expect(ours.authorization).toBe(sdk);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('verify3', () => {
  const payload = Buffer.from('{"FileIds":["1"]}');
  const headers = hdrs({ 'content-type': 'application/json', host: 'vod.tencentcloudapi.com' });
  const signed = sign3({ secretId: V2_ID, secretKey: V2_KEY, timestamp: 1735689599, method: 'POST', headers, payload });
  const auth = parseAuthorization(signed.authorization)!;
  const base = { auth, secretKey: V2_KEY, timestamp: 1735689599, method: 'POST', path: '/', query: '', headers, payload };

  it('accepts what sign3 produced and rejects a changed body, key or timestamp', () => {
    expect(verify3(base)).toEqual({ ok: true });
    expect(verify3({ ...base, payload: Buffer.from('{"FileIds":["2"]}') }).ok).toBe(false);
    expect(verify3({ ...base, secretKey: 'other' }).ok).toBe(false);
    expect(verify3({ ...base, timestamp: 1735689599 + 86400 })).toMatchObject({ ok: false, reason: 'scope' });
  });

  it('rejects malformed headers and missing signed headers', () => {
    expect(parseAuthorization('TC3-HMAC-SHA256 Credential=x')).toBeUndefined();
    expect(verify3({ ...base, auth: { ...auth, signedHeaders: ['content-type', 'host', 'x-tc-action'] } })).toMatchObject({
      ok: false,
      reason: 'headers',
    });
  });
});
