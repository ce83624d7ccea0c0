// create-upload: POST /uploads — a presigned PUT URL for one video and the jobId it will get.
// The key carries the job id (uploads/<jobId>/<filename>), so ingest maps the object to this job
// and GET /jobs/{id} answers from now on (AWAITING_UPLOAD until the object arrives).
import { extname } from 'node:path';
import * as z from 'zod';
import { presignPut } from '../lib/aws/s3';
import { config } from '../lib/config';
import { parseInput } from '../lib/http/errors';
import { httpHandler, json } from '../lib/http/handler';
import { daysCovering, jobs, newUploadJobId, uploadKey } from '../lib/jobs';
import { isAppleDouble } from '../lib/pipeline/apple-double';

config();

/** The request body (openapi.yaml `POST /uploads`; test/functions/http-contract.test.ts compares them). */
export const uploadBody = () => {
  const { ingest, http } = config();
  return z
    .object({
      filename: z
        .string()
        .min(1)
        .max(200)
        .regex(/^[^/\\\u0000-\u001f\u007f]+$/, 'must be a plain file name (no slashes or control characters)')
        .refine((f) => f.isWellFormed(), 'must be valid Unicode (no lone surrogate)')
        .refine((f) => f !== '.' && f !== '..', 'must be a plain file name')
        .refine((f) => !isAppleDouble(f), 'must not be a macOS "._" metadata file (it holds no video)')
        .refine(
          (f) => ingest.videoExtensions.includes(extname(f).slice(1).toLowerCase()),
          `must end in a video extension (${ingest.videoExtensions.join(', ')})`,
        ),
      contentType: z.string().regex(/^video\/[\w.+-]+$/, 'must be a video/* media type'),
      size: z.number().int().min(1).max(http.uploadMaxBytes, `must be at most ${http.uploadMaxBytes} bytes`),
      passthrough: z.string().max(255, 'must be at most 255 characters').optional(),
    })
    .strict(); // the contract says additionalProperties: false
};

export const handler = httpHandler(
  async (event) => {
    const cfg = config();
    const input = parseInput(uploadBody(), event.body, 'body');
    const jobId = newUploadJobId();
    const key = uploadKey(jobId, input.filename);

    const url = await presignPut(
      { bucket: cfg.uploadBucket, key },
      // Create-only (S3 conditional write): a second PUT to this URL gets 412 instead of silently
      // replacing bytes a job may already be processing; a new upload is a new POST /uploads.
      { contentType: input.contentType, contentLength: input.size, ifNoneMatch: '*' },
      cfg.http.uploadUrlTtlS,
    );
    // Reserved only once the URL exists: a request that fails before leaves no orphan job.
    // The reservation outlives its upload URL by a day, then expires (DynamoDB TTL).
    await jobs().reserveUpload(
      jobId,
      { bucket: cfg.uploadBucket, key, size: input.size, contentType: input.contentType },
      daysCovering(cfg.http.uploadUrlTtlS),
      input.passthrough,
    );
    return json(201, {
      jobId,
      upload: {
        url,
        method: 'PUT',
        headers: { 'content-type': input.contentType, 'if-none-match': '*' },
        expiresAt: new Date(Date.now() + cfg.http.uploadUrlTtlS * 1000).toISOString(),
      },
      job: `/jobs/${jobId}`,
    });
  },
  { jsonBody: true },
);
