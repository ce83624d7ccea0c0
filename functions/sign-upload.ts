// sign-upload: POST /upload-signatures — a client upload signature (reference §5.1) so a browser
// uploads straight to VOD: bounded validity, class, task flow, one-time use by default.
import * as z from 'zod';
import { readSecret } from '../lib/aws/secrets';
import { config } from '../lib/config';
import { parseInput } from '../lib/http/errors';
import { httpHandler, json } from '../lib/http/handler';
import { issueUploadSignature } from '../lib/vod/upload-signature';

config();

/** The optional request body (openapi.yaml `POST /upload-signatures`). */
export const signatureBody = () =>
  z
    .object({
      validitySeconds: z.number().int().min(60).max(config().http.uploadSignatureTtlS).optional(),
      classId: z.number().int().min(0).optional(),
      procedure: z.string().min(1).max(128).optional(),
      oneTimeValid: z.boolean().default(true),
      sourceContext: z.string().max(250).optional(),
    })
    .strict();

export const handler = httpHandler(
  async (event) => {
    const cfg = config();
    const input = parseInput(signatureBody(), event.body ?? {}, 'body');
    const [secretId, secretKey] = await Promise.all([readSecret(cfg.vod.secretId), readSecret(cfg.vod.secretKey)]);
    const { signature, params } = issueUploadSignature({
      secretId,
      secretKey,
      validitySeconds: input.validitySeconds ?? cfg.http.uploadSignatureTtlS,
      classId: input.classId ?? cfg.vod.classId,
      procedure: input.procedure ?? cfg.vod.procedure,
      oneTimeValid: input.oneTimeValid,
      sourceContext: input.sourceContext,
    });
    return json(201, {
      signature,
      expiresAt: new Date(params.expireTime * 1000).toISOString(),
      oneTimeValid: input.oneTimeValid,
      classId: params.classId,
      procedure: params.procedure,
    });
  },
  { jsonBody: 'optional' },
);
