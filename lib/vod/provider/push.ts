// The push half of the provider seam (VodPusher, see types.ts), per API version.
import type { VodClient } from '../client';
import { fileTypeOf, mediaTypeOf } from '../media-name';
import { uploadStream } from '../upload';
import type { VodV3Client } from '../v3/client';
import { pushUploadV3 } from '../v3/push';
import type { CosCredentials } from '../v3/storage';
import type { VodPusher } from './types';

export function createV2Pusher(client: VodClient): VodPusher {
  return {
    async pushUpload({ open, size, fileName, classId, onProgress }) {
      // A name without an extension VOD takes is sent as mp4: VOD reads the bytes, not the name.
      const fileType = fileTypeOf(fileName) ?? 'mp4';
      const r = await uploadStream({ client, source: open, size, fileName, fileType, classId, onProgress });
      return { fileId: r.fileId, size: r.size, skippedParts: r.skippedParts, instant: r.instant };
    },
  };
}

export function createV3Pusher(client: VodV3Client, fallback: CosCredentials): VodPusher {
  return {
    async pushUpload({ open, size, fileName, classId, onProgress }) {
      const mediaType = mediaTypeOf([fileName]) ?? 'mp4';
      const stream = await open();
      // One PUT needs Content-Length; a source of unknown size is read into memory first.
      const body = size === undefined ? Buffer.concat(await stream.toArray()) : stream;
      const bytes = size ?? (body as Buffer).length;
      const r = await pushUploadV3(client, { body, size: bytes, mediaName: fileName, mediaType, classId }, fallback);
      onProgress?.({ sentBytes: bytes, totalBytes: bytes });
      return { fileId: r.fileId, size: bytes };
    },
  };
}
