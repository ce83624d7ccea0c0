// The user's side of an upload: POST /uploads for a presigned URL and the jobId, then a PUT of
// the bytes, streamed from disk with progress (memory stays bounded whatever the size). The API
// hands out one presigned PUT (S3 takes up to 5 GiB in one PUT, UPLOAD_MAX_BYTES' default), not
// multipart part URLs, so that is the client path a user of the API has, and the one used here.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { request } from 'node:http';
import { basename, extname } from 'node:path';
import * as z from 'zod';

const createdSchema = z.object({
  jobId: z.string(),
  upload: z.object({ url: z.url(), method: z.literal('PUT'), headers: z.record(z.string(), z.string()).default({}) }),
});

const CONTENT_TYPES: ReadonlyMap<string, string> = new Map([
  ['mp4', 'video/mp4'],
  ['m4v', 'video/mp4'],
  ['mov', 'video/quicktime'],
  ['mkv', 'video/x-matroska'],
  ['webm', 'video/webm'],
  ['avi', 'video/x-msvideo'],
  ['flv', 'video/x-flv'],
  ['wmv', 'video/x-ms-wmv'],
  ['mpg', 'video/mpeg'],
  ['mpeg', 'video/mpeg'],
  ['ts', 'video/mp2t'],
  ['m2ts', 'video/mp2t'],
  ['mts', 'video/mp2t'],
  ['mxf', 'video/mxf'],
  ['3gp', 'video/3gpp'],
]);

export interface UploadTarget {
  httpApi: string;
  apiKey: string;
}

/** Asks the HTTP API for an upload; a 4xx names the field that is wrong, and that is what is thrown. */
export async function createUpload(
  target: UploadTarget,
  path: string,
): Promise<{ jobId: string; url: string; headers: Record<string, string>; size: number }> {
  const { size } = await stat(path);
  const filename = basename(path);
  // S3 would store it, but no video is 0 bytes long (VOD calls it damaged, -43001): say so here.
  if (size === 0) throw new Error('the file is empty (0 bytes): not uploaded, there is no video in it');
  const contentType = CONTENT_TYPES.get(extname(filename).slice(1).toLowerCase()) ?? 'video/mp4';
  const response = await fetch(`${target.httpApi}/uploads`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': target.apiKey },
    body: JSON.stringify({ filename, contentType, size }),
  });
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const message = (body as { message?: string } | undefined)?.message ?? `HTTP ${response.status}`;
    throw new Error(`POST /uploads refused ${filename}: ${message}`);
  }
  const created = createdSchema.parse(body);
  return { jobId: created.jobId, url: created.upload.url, headers: { ...created.upload.headers, 'content-length': String(size) }, size };
}

/** PUTs the file to the presigned URL; `onProgress` gets the bytes sent so far. */
export function putFile(url: string, headers: Record<string, string>, path: string, onProgress: (sent: number) => void): Promise<void> {
  return new Promise((resolvePut, reject) => {
    const req = request(url, { method: 'PUT', headers }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolvePut() : reject(new Error(`upload PUT answered HTTP ${res.statusCode}`))));
    });
    req.on('error', reject);
    let sent = 0;
    const source = createReadStream(path);
    source.on('data', (chunk) => onProgress((sent += chunk.length)));
    source.on('error', (error) => req.destroy(error));
    source.pipe(req);
  });
}
