// HMAC (RFC 2104) of a string, the one cost a signature cannot avoid. createHmac pays a digest
// lookup and a native object per call: about 60 % of a whole signature in the CPU profile. Two
// one-shot crypto.hash calls over pads prepared once per secret give the same bytes in about
// half the time. The fast path needs a secret whose pads are ASCII (every Tencent SecretKey is:
// 32 ASCII characters); any other secret goes through createHmac with a cached key object.
import { createHmac, createSecretKey, hash, KeyObject } from 'node:crypto';

export type HmacDigest = 'sha1' | 'sha256';

/** SHA-1 and SHA-256 both hash 64-byte blocks: one pair of pads serves both. */
const BLOCK = 64;

interface Pads {
  /** K ⊕ ipad as a string: ASCII, so crypto.hash's UTF-8 encoding of it is the pad's bytes. */
  inner: string;
  /** K ⊕ opad followed by room for the inner digest, one buffer per digest (written per call). */
  outerSha1: Buffer;
  outerSha256: Buffer;
}

function padsOf(secretKey: string): Pads | undefined {
  if (secretKey.length > BLOCK) return undefined;
  for (let i = 0; i < secretKey.length; i++) if (secretKey.charCodeAt(i) > 0x7f) return undefined;
  // ASCII XOR 0x36 or 0x5c stays ASCII; the key is zero-padded to the block.
  const key = Buffer.alloc(BLOCK);
  key.write(secretKey, 'latin1');
  const inner = Buffer.alloc(BLOCK);
  const outer = Buffer.alloc(BLOCK);
  for (let i = 0; i < BLOCK; i++) {
    inner[i] = key[i]! ^ 0x36;
    outer[i] = key[i]! ^ 0x5c;
  }
  const withRoom = (digestBytes: number) => Buffer.concat([outer, Buffer.alloc(digestBytes)]);
  return { inner: inner.toString('latin1'), outerSha1: withRoom(20), outerSha256: withRoom(32) };
}

// A process signs with a handful of secrets: a small cache, cleared when it grows past them.
const keys = new Map<string, Pads | KeyObject>();
function keyOf(secretKey: string): Pads | KeyObject {
  let key = keys.get(secretKey);
  if (!key) {
    if (keys.size >= 64) keys.clear();
    key = padsOf(secretKey) ?? createSecretKey(Buffer.from(secretKey, 'utf8'));
    keys.set(secretKey, key);
  }
  return key;
}

function digestOf(source: string, secretKey: string, digest: HmacDigest, encoding: 'base64' | 'buffer'): string | Buffer {
  const key = keyOf(secretKey);
  if (key instanceof KeyObject) {
    const mac = createHmac(digest, key).update(source, 'utf8');
    return encoding === 'buffer' ? mac.digest() : mac.digest(encoding);
  }
  // The message is UTF-8 encoded as update() would (lone surrogates become U+FFFD).
  const outer = digest === 'sha1' ? key.outerSha1 : key.outerSha256;
  outer.write(hash(digest, key.inner + source, 'binary'), BLOCK, 'latin1');
  return encoding === 'buffer' ? hash(digest, outer, 'buffer') : hash(digest, outer, encoding);
}

/** HMAC of the UTF-8 bytes of `source`, Base64. */
export const hmacBase64 = (source: string, secretKey: string, digest: HmacDigest): string =>
  digestOf(source, secretKey, digest, 'base64') as string;

/** HMAC of the UTF-8 bytes of `source`, raw. */
export const hmacBytes = (source: string, secretKey: string, digest: HmacDigest): Buffer =>
  digestOf(source, secretKey, digest, 'buffer') as Buffer;
