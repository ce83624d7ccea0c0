import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hmacBase64, hmacBytes, type HmacDigest } from '../../../lib/vod/hmac';

// The signer's HMAC is built from one-shot hashes over cached pads; Node's createHmac is the oracle.
const oracle = (source: string, key: string, digest: HmacDigest) => createHmac(digest, key).update(source, 'utf8').digest();

describe('hmac', () => {
  it.each([
    // RFC 2202 §3 test case 2 and RFC 4231 §4.3 test case 2: key "Jefe".
    ['sha1', 'effcdf6ae5eb2fa2d27416d5f184df9c259a7c79'],
    ['sha256', '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843'],
  ] as const)('RFC vector, %s', (digest, hex) => {
    expect(hmacBytes('what do ya want for nothing?', 'Jefe', digest).toString('hex')).toBe(hex);
    expect(hmacBase64('what do ya want for nothing?', 'Jefe', digest)).toBe(Buffer.from(hex, 'hex').toString('base64'));
  });

  it('matches createHmac for any secret and message, both digests, interleaved under one secret', () => {
    const secrets = fc.oneof(
      fc.string({ unit: fc.nat(0x7f).map((c) => String.fromCharCode(c)), maxLength: 64 }), // ASCII up to one block: the one-shot path
      fc.string({ minLength: 65, maxLength: 100 }), // longer than a block: hashed first
      fc.string({ unit: 'binary', maxLength: 70 }), // non-ASCII, lone surrogates
      fc.constant('Gu5t9xGARNpq86cd98joQYCN3Cozk1qA'),
    );
    fc.assert(
      fc.property(
        secrets,
        fc.array(fc.tuple(fc.string({ unit: 'binary', maxLength: 300 }), fc.constantFrom<HmacDigest>('sha1', 'sha256')), {
          minLength: 1,
          maxLength: 4,
        }),
        (secret, messages) => {
          for (const [message, digest] of messages) {
            const want = oracle(message, secret, digest);
            expect(hmacBytes(message, secret, digest).equals(want)).toBe(true);
            expect(hmacBase64(message, secret, digest)).toBe(want.toString('base64'));
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('a result handed out is not overwritten by the next call', () => {
    const first = hmacBytes('one', 'k', 'sha256');
    const copy = Buffer.from(first);
    hmacBytes('two', 'k', 'sha256');
    expect(first.equals(copy)).toBe(true);
  });
});
