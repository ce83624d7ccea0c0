// Client (browser) upload signature, reference §5.1:
// Base64( HMAC-SHA1(SecretKey, Original) ‖ Original ), Original = URL-encoded query string.
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import { encodeValue } from './signer';

/** 90 days: the documented upper bound of a signature's validity. */
export const MAX_UPLOAD_SIGNATURE_VALIDITY_S = 7_776_000;

export interface UploadSignatureOptions {
  secretId: string;
  secretKey: string;
  /** Seconds the signature stays valid; 1 … 7,776,000. */
  validitySeconds: number;
  now?: number;
  random?: number;
  classId?: number;
  procedure?: string;
  sourceContext?: string;
  oneTimeValid?: boolean;
  taskPriority?: number;
  taskNotifyMode?: 'Finish' | 'Change' | 'None';
  isTranscode?: boolean;
  isScreenshot?: boolean;
  isWatermark?: boolean;
}

export interface UploadSignatureParams {
  secretId: string;
  currentTimeStamp: number;
  expireTime: number;
  random: number;
  classId?: number;
  procedure?: string;
  sourceContext?: string;
  oneTimeValid?: boolean;
  taskPriority?: number;
  taskNotifyMode?: string;
  isTranscode?: boolean;
  isScreenshot?: boolean;
  isWatermark?: boolean;
}

export function issueUploadSignature(options: UploadSignatureOptions): { signature: string; params: UploadSignatureParams } {
  const { validitySeconds } = options;
  if (!Number.isInteger(validitySeconds) || validitySeconds < 1 || validitySeconds > MAX_UPLOAD_SIGNATURE_VALIDITY_S) {
    throw new RangeError(`validitySeconds must be an integer in 1…${MAX_UPLOAD_SIGNATURE_VALIDITY_S} (90 days)`);
  }
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const params: UploadSignatureParams = {
    secretId: options.secretId,
    currentTimeStamp: now,
    expireTime: now + validitySeconds,
    random: options.random ?? randomInt(0, 2 ** 32 - 1),
    classId: options.classId,
    procedure: options.procedure,
    sourceContext: options.sourceContext,
    oneTimeValid: options.oneTimeValid,
    taskPriority: options.taskPriority,
    taskNotifyMode: options.taskNotifyMode,
    isTranscode: options.isTranscode,
    isScreenshot: options.isScreenshot,
    isWatermark: options.isWatermark,
  };
  // The documented order: the four required fields first, then the optional ones.
  const original = Object.entries(params)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${encodeValue(typeof v === 'boolean' ? (v ? '1' : '0') : String(v))}`)
    .join('&');
  const digest = createHmac('sha1', options.secretKey).update(original, 'utf8').digest();
  return { signature: Buffer.concat([digest, Buffer.from(original, 'utf8')]).toString('base64'), params };
}

export type UploadSignatureRule =
  | 'malformed'
  | 'unknown-secret-id'
  | 'hmac-mismatch'
  | 'expired'
  | 'not-yet-valid'
  | 'validity-too-long'
  | 'already-used';

export type UploadSignatureCheck = { ok: true; params: UploadSignatureParams } | { ok: false; rule: UploadSignatureRule; message: string };

/** Remembers one-time signatures until they expire; `claim` is false when already used. */
export interface OneTimeStore {
  claim(key: string, expireTime: number): boolean;
}

export function memoryOneTimeStore(): OneTimeStore {
  const used = new Map<string, number>();
  return {
    claim(key, expireTime) {
      const now = Date.now() / 1000;
      for (const [k, exp] of used) if (exp < now) used.delete(k);
      if (used.has(key)) return false;
      used.set(key, expireTime);
      return true;
    },
  };
}

export interface VerifyUploadSignatureOptions {
  secretKeyOf: (secretId: string) => string | undefined;
  oneTimeStore?: OneTimeStore;
  now?: number;
  /** Tolerated clock skew for currentTimeStamp in the future, seconds. */
  clockSkew?: number;
}

const INT = /^-?\d{1,15}$/;

export function verifyUploadSignature(signature: string, options: VerifyUploadSignatureOptions): UploadSignatureCheck {
  const fail = (rule: UploadSignatureRule, message: string): UploadSignatureCheck => ({ ok: false, rule, message });
  const raw = Buffer.from(signature, 'base64');
  if (raw.length <= 20) return fail('malformed', 'the signature is not Base64 of HMAC ‖ plaintext');
  const digest = raw.subarray(0, 20);
  const original = raw.subarray(20).toString('utf8');
  const fields = new URLSearchParams(original);
  const get = (k: string) => fields.get(k) ?? undefined;
  const secretId = get('secretId');
  const required = ['currentTimeStamp', 'expireTime', 'random'] as const;
  if (!secretId || required.some((k) => !INT.test(get(k) ?? ''))) {
    return fail('malformed', 'the signature lacks secretId, currentTimeStamp, expireTime or random');
  }
  const secretKey = options.secretKeyOf(secretId);
  if (!secretKey) return fail('unknown-secret-id', 'the signature names an unknown secretId');
  const expected = createHmac('sha1', secretKey).update(original, 'utf8').digest();
  if (!timingSafeEqual(digest, expected)) return fail('hmac-mismatch', 'the signature HMAC does not match its plaintext');
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const currentTimeStamp = Number(get('currentTimeStamp'));
  const expireTime = Number(get('expireTime'));
  if (expireTime - currentTimeStamp > MAX_UPLOAD_SIGNATURE_VALIDITY_S)
    return fail('validity-too-long', 'the signature is valid for more than 90 days');
  if (currentTimeStamp > now + (options.clockSkew ?? 300)) return fail('not-yet-valid', 'the signature was issued in the future');
  if (expireTime <= now) return fail('expired', 'the signature has expired');
  const optionalInt = (k: string) => (INT.test(get(k) ?? '') ? Number(get(k)) : undefined);
  const optionalBool = (k: string) => (get(k) === undefined ? undefined : get(k) === '1');
  const params: UploadSignatureParams = {
    secretId,
    currentTimeStamp,
    expireTime,
    random: Number(get('random')),
    classId: optionalInt('classId'),
    procedure: get('procedure'),
    sourceContext: get('sourceContext'),
    oneTimeValid: optionalBool('oneTimeValid'),
    taskPriority: optionalInt('taskPriority'),
    taskNotifyMode: get('taskNotifyMode'),
    isTranscode: optionalBool('isTranscode'),
    isScreenshot: optionalBool('isScreenshot'),
    isWatermark: optionalBool('isWatermark'),
  };
  if (params.oneTimeValid) {
    if (!options.oneTimeStore) return fail('already-used', 'one-time signatures need a store to be checked');
    if (!options.oneTimeStore.claim(digest.toString('hex'), expireTime))
      return fail('already-used', 'this one-time signature was already used');
  }
  return { ok: true, params };
}
