import { describe, expect, it } from 'vitest';
import { issueUploadSignature, memoryOneTimeStore, verifyUploadSignature } from '../../../lib/vod/upload-signature';

const secretId = 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA';
const secretKey = 'Gu5t9xGARNpq86cd98joQYCN3Cozk1qA';
const secretKeyOf = (id: string) => (id === secretId ? secretKey : undefined);

describe('client upload signature (reference §5.1)', () => {
  it('matches the worked example', () => {
    const { signature } = issueUploadSignature({ secretId, secretKey, now: 1465185768, validitySeconds: 86400, random: 11886 });
    expect(signature).toBe(
      'isCixSORD0WpKBkpopsPo39sf/tzZWNyZXRJZD1BS0lEejhrcmJzSjV5S0JaUXBuNzRXRmttTFB4M2duUGhFU0EmY3VycmVudFRpbWVTdGFtcD0xNDY1MTg1NzY4JmV4cGlyZVRpbWU9MTQ2NTI3MjE2OCZyYW5kb209MTE4ODY=',
    );
  });

  it('matches the worked example with a URL-encoded procedure', () => {
    const { signature } = issueUploadSignature({
      secretId,
      secretKey,
      now: 1465185768,
      validitySeconds: 86400,
      random: 11886,
      procedure: 'QCVB_SimpleProcessFile(1,1,10,10)',
    });
    expect(signature).toBe(
      'bRNLb1xrxsOHazeJ6NEv1jjYJChzZWNyZXRJZD1BS0lEejhrcmJzSjV5S0JaUXBuNzRXRmttTFB4M2duUGhFU0EmY3VycmVudFRpbWVTdGFtcD0xNDY1MTg1NzY4JmV4cGlyZVRpbWU9MTQ2NTI3MjE2OCZyYW5kb209MTE4ODYmcHJvY2VkdXJlPVFDVkJfU2ltcGxlUHJvY2Vzc0ZpbGUlMjgxJTJDMSUyQzEwJTJDMTAlMjk=',
    );
  });

  it('verifies its own signatures and returns the fields', () => {
    const { signature } = issueUploadSignature({
      secretId,
      secretKey,
      validitySeconds: 600,
      classId: 3,
      sourceContext: 'job 42 & more',
      procedure: 'p(1)',
    });
    const check = verifyUploadSignature(signature, { secretKeyOf });
    expect(check).toMatchObject({ ok: true, params: { secretId, classId: 3, sourceContext: 'job 42 & more', procedure: 'p(1)' } });
  });

  it('refuses a validity over 90 days at issue time', () => {
    expect(() => issueUploadSignature({ secretId, secretKey, validitySeconds: 7_776_001 })).toThrow(RangeError);
  });

  it.each([
    ['expired', { now: 1000 }, { now: 2000 }],
    ['not-yet-valid', { now: 5000 }, { now: 1000 }],
  ])('%s', (rule, issueAt, verifyAt) => {
    const { signature } = issueUploadSignature({ secretId, secretKey, validitySeconds: 600, ...issueAt });
    expect(verifyUploadSignature(signature, { secretKeyOf, ...verifyAt })).toMatchObject({ ok: false, rule });
  });

  it('detects tampering, unknown keys and garbage', () => {
    const { signature } = issueUploadSignature({ secretId, secretKey, validitySeconds: 600, classId: 1 });
    const raw = Buffer.from(signature, 'base64');
    const tampered = Buffer.from(raw.toString('latin1').replace('classId=1', 'classId=2'), 'latin1').toString('base64');
    expect(verifyUploadSignature(tampered, { secretKeyOf })).toMatchObject({ ok: false, rule: 'hmac-mismatch' });
    expect(verifyUploadSignature(signature, { secretKeyOf: () => undefined })).toMatchObject({ ok: false, rule: 'unknown-secret-id' });
    expect(verifyUploadSignature('bm9wZQ==', { secretKeyOf })).toMatchObject({ ok: false, rule: 'malformed' });
  });

  it('a one-time signature works once', () => {
    const store = memoryOneTimeStore();
    const { signature } = issueUploadSignature({ secretId, secretKey, validitySeconds: 600, oneTimeValid: true });
    expect(verifyUploadSignature(signature, { secretKeyOf, oneTimeStore: store }).ok).toBe(true);
    expect(verifyUploadSignature(signature, { secretKeyOf, oneTimeStore: store })).toMatchObject({ ok: false, rule: 'already-used' });
    const reusable = issueUploadSignature({ secretId, secretKey, validitySeconds: 600 }).signature;
    expect(verifyUploadSignature(reusable, { secretKeyOf, oneTimeStore: store }).ok).toBe(true);
    expect(verifyUploadSignature(reusable, { secretKeyOf, oneTimeStore: store }).ok).toBe(true);
  });
});
