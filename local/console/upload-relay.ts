// The browser's presigned PUT, relayed. serverless.yml gives the upload bucket a CORS rule so a
// page may PUT to S3 directly; the local S3 stand-in (fauxqs) answers no CORS preflight, so the
// page sends the PUT here, same origin, and it goes on byte for byte to the presigned URL it names
// — signature, expiry and size are still checked by S3. Only URLs into the stack's buckets pass.
import { request, type IncomingMessage, type ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';

export interface RelayOptions {
  s3Endpoint: string;
  buckets: readonly string[];
}

// What a presigned PUT may sign: if-none-match makes it create-only (a second PUT gets 412).
const FORWARDED = ['content-type', 'content-length', 'content-md5', 'if-none-match'];

export function presignedTarget(raw: string | null, options: RelayOptions): URL | undefined {
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.origin !== new URL(options.s3Endpoint).origin) return undefined;
  const bucket = decodeURIComponent(url.pathname.split('/')[1] ?? '');
  return options.buckets.includes(bucket) && url.searchParams.has('X-Amz-Signature') ? url : undefined;
}

export async function relayUpload(req: IncomingMessage, res: ServerResponse, target: URL): Promise<void> {
  const headers = new Map<string, string>();
  for (const name of FORWARDED) {
    const value = req.headers[name];
    if (typeof value === 'string') headers.set(name, value);
  }
  await new Promise<void>((resolve, reject) => {
    const out = request(target, { method: 'PUT', headers: Object.fromEntries(headers) }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, {
        'content-type': answer.headers['content-type'] ?? 'application/xml',
        ...(answer.headers.etag ? { etag: answer.headers.etag } : {}),
      });
      pipeline(answer, res).then(resolve, reject);
    });
    out.on('error', reject);
    pipeline(req, out).catch(reject);
  });
}
