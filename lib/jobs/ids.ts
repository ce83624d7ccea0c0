// Job ids. An S3 drop gets a deterministic id (the same object notified twice is the same job);
// an upload created through POST /uploads carries its id in the key, so the id is known before
// the etag exists and GET /jobs/{id} works from the moment the upload URL is handed out.
import { createHash, randomBytes } from 'node:crypto';
import type { JobSource } from './types';

/** uploads/<uploadId>/<filename> — written by create-upload, recognised by ingest. */
export const UPLOAD_PREFIX = 'uploads/';
const UPLOAD_KEY = /^uploads\/(up-[a-z0-9]{26})\/[^/]+$/;

export const newUploadJobId = (): string => `up-${base32(randomBytes(16))}`;

export const uploadKey = (jobId: string, fileName: string): string => `${UPLOAD_PREFIX}${jobId}/${fileName}`;

/** The job id an S3 object maps to. */
export function jobIdFor(source: Pick<JobSource, 'bucket' | 'key' | 'etag' | 'versionId'>): string {
  const fromUpload = UPLOAD_KEY.exec(source.key)?.[1];
  if (fromUpload) return fromUpload;
  const etag = (source.etag ?? '').replaceAll('"', '');
  const digest = createHash('sha256')
    .update([source.bucket, source.key, etag, source.versionId ?? ''].join('\0'))
    .digest();
  return `s3-${base32(digest.subarray(0, 16))}`;
}

/** Lower-case RFC 4648 base32 without padding: 16 bytes → 26 characters, URL- and key-safe. */
function base32(bytes: Uint8Array): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return out;
}
