// S3 checks a presigned URL's signature (and expiry) before it acts; fauxqs 1.9.2 checks neither,
// so locally a PUT of another size than the signed Content-Length, without the signed
// If-None-Match, or after the URL expired was accepted. Here the URL is signed again with the
// same date, scope and signed headers — taking their values from the request as sent — and the
// two signatures compared, as S3 does. Only URLs signed with the stack's own key are checked.
import { createHash, createHmac, timingSafeEqual, type Hash, type Hmac } from 'node:crypto';
import { S3RequestPresigner } from '@aws-sdk/s3-request-presigner';
import type { FastifyRequest } from 'fastify';
import { s3ErrorXml } from './s3-conditions';

export interface PresignedCheck {
  status: number;
  xml: string;
}

const refuse = (status: number, code: string, message: string): PresignedCheck => ({ status, xml: s3ErrorXml(code, message) });

const bytes = (d: string | ArrayBuffer | ArrayBufferView): string | Uint8Array =>
  typeof d === 'string' ? d : d instanceof ArrayBuffer ? new Uint8Array(d) : new Uint8Array(d.buffer, d.byteOffset, d.byteLength);

/** SigV4's SHA-256 / HMAC-SHA-256, in the shape the SDK's signer takes. */
class Sha256 {
  private readonly hash: Hash | Hmac;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {}
}

const amzDate = (text: string): Date | undefined => {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  return m ? new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!)) : undefined;
};

/** undefined when the request is not presigned with `credentials`, or its signature holds. */
export async function checkPresigned(
  request: FastifyRequest,
  credentials: { accessKeyId: string; secretAccessKey: string },
  now = Date.now(),
): Promise<PresignedCheck | undefined> {
  const query = (request.query ?? {}) as Record<string, string | string[] | undefined>;
  const signature = query['X-Amz-Signature'];
  const credential = query['X-Amz-Credential'];
  if (typeof signature !== 'string' || typeof credential !== 'string') return undefined;
  const [accessKeyId, day, region, service] = credential.split('/');
  if (accessKeyId !== credentials.accessKeyId || !region || service !== 's3') return undefined;
  const date = amzDate(String(query['X-Amz-Date'] ?? ''));
  const expires = Number(query['X-Amz-Expires']);
  if (!date || !Number.isInteger(expires) || day !== String(query['X-Amz-Date']).slice(0, 8))
    return refuse(400, 'AuthorizationQueryParametersError', 'X-Amz-Date, X-Amz-Expires or X-Amz-Credential is malformed');
  if (now > date.getTime() + expires * 1000) return refuse(403, 'AccessDenied', 'Request has expired');

  const signedHeaders = String(query['X-Amz-SignedHeaders'] ?? '')
    .split(';')
    .filter(Boolean);
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) {
    const value = request.headers[name];
    if (value === undefined) return refuse(403, 'SignatureDoesNotMatch', `the signed header ${name} is missing from the request`);
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const unsigned = Object.fromEntries(Object.entries(query).filter(([k]) => k !== 'X-Amz-Signature')) as Record<string, string>;
  const [rawPath] = request.url.split('?');
  const host = headers.host ?? request.headers.host ?? '';
  const presigner = new S3RequestPresigner({ credentials, region, sha256: Sha256 });
  const again = await presigner.presign(
    {
      method: request.method,
      protocol: 'http:',
      hostname: host.replace(/:\d+$/, ''),
      port: Number(host.split(':')[1]) || undefined,
      path: rawPath!,
      query: unsigned,
      headers,
    },
    { signingDate: date, expiresIn: expires, signableHeaders: new Set(signedHeaders), unhoistableHeaders: new Set(signedHeaders) },
  );
  const expected = Buffer.from(String(again.query?.['X-Amz-Signature'] ?? ''));
  const given = Buffer.from(signature);
  if (expected.length === given.length && timingSafeEqual(expected, given)) return undefined;
  return refuse(
    403,
    'SignatureDoesNotMatch',
    'The request signature we calculated does not match the signature you provided (a signed header such as Content-Length differs from the URL)',
  );
}
