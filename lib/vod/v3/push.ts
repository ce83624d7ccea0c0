// API 3.0 push upload (vod-v3-api.md §4.2-4.4): ApplyUpload → COS PUT of the bytes with the
// returned TempCertificate → CommitUpload. Its own module so that only the function that uploads
// (initiate-upload) bundles the storage step.
import type { Readable } from 'node:stream';
import type { VodV3Client } from './client';
import { putObject, type CosCredentials } from './storage';

export interface PushV3Input {
  body: Readable | Uint8Array;
  size: number;
  mediaName: string;
  mediaType: string;
  classId?: number;
  procedure?: string;
}

/** `fallback`: the caller's own keys, used when ApplyUpload returns no certificate (as the upload SDK does). */
export async function pushUploadV3(
  client: VodV3Client,
  input: PushV3Input,
  fallback: CosCredentials,
): Promise<{ fileId: string; mediaUrl?: string }> {
  const applied = await client.call('ApplyUpload', {
    MediaType: input.mediaType,
    MediaName: input.mediaName,
    ClassId: input.classId,
    Procedure: input.procedure,
  });
  const cert = applied.TempCertificate;
  const credentials = cert ? { secretId: cert.SecretId, secretKey: cert.SecretKey, token: cert.Token } : fallback;
  await putObject({
    bucket: applied.StorageBucket,
    region: applied.StorageRegion,
    key: applied.MediaStoragePath,
    credentials,
    body: input.body,
    size: input.size,
    storageEndpoint: client.storageEndpoint,
  });
  const committed = await client.call('CommitUpload', { VodSessionKey: applied.VodSessionKey });
  return { fileId: committed.FileId, mediaUrl: committed.MediaUrl };
}
