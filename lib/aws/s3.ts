// S3 for the two functions that touch objects, without the S3 client: create-upload presigns a
// PUT, initiate-upload presigns a GET (pull: VOD fetches it; push: vodflow streams it). Requests
// are signed by the SDK's own S3 presigner (SigV4, unsigned payload) with the SDK's credential
// chain and region settings, sent through its HTTP handler and retried by its retry strategy;
// only the object's address is written here (./s3-endpoint). The S3 client weighed 146 KB of
// every cold start of those two functions, 14 ms of initiate-upload's init (npm run bench --
// --only coldstart), for one URL per call.
import type { Readable } from 'node:stream';
import { formatUrl } from '@aws-sdk/core/util';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { S3RequestPresigner } from '@aws-sdk/s3-request-presigner';
import { HttpRequest } from '@smithy/core/protocols';
import { Hash } from '@smithy/core/serde';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { memo } from './memo';
import { AwsRequestError, Retrying, type ServiceSettings, serviceSettings } from './request';
import { s3ObjectUrl } from './s3-endpoint';

export interface S3ObjectRef {
  bucket: string;
  key: string;
  versionId?: string;
}

/** What a presigned PUT binds: its size and (create-only) If-None-Match. The type is sent, not signed. */
export interface PutConditions {
  contentType: string;
  contentLength: number;
  /** `*`: create-only, a second PUT answers 412 instead of replacing the object. */
  ifNoneMatch?: '*';
}

/** An S3 answer other than 2xx: `code` is S3's error code. */
export class S3RequestError extends AwsRequestError {}

/** S3 says the object is not there as asked: deleted (404), or overwritten under If-Match (412). */
export const objectGone = (err: unknown): err is S3RequestError =>
  err instanceof S3RequestError && (err.status === 404 || err.status === 412);

class S3Signing {
  private readonly settings: Promise<ServiceSettings>;
  private readonly presigner: S3RequestPresigner;
  private readonly retrying = new Retrying();
  private http: NodeHttpHandler | undefined;

  constructor() {
    // A custom endpoint is a stand-in, addressed by path (./s3-endpoint).
    this.settings = serviceSettings('S3');
    this.presigner = new S3RequestPresigner({
      credentials: defaultProvider(),
      region: async () => (await this.settings).region,
      sha256: Hash.bind(null, 'sha256'),
      service: 's3',
    });
  }

  /** The signed request; `signingDate` only for tests that compare signatures. */
  async sign(method: 'GET' | 'PUT', ref: S3ObjectRef, headers: Record<string, string>, expiresIn: number, signingDate?: Date) {
    const url = s3ObjectUrl(ref.bucket, ref.key, await this.settings);
    const request = new HttpRequest({
      method,
      ...url,
      // x-id names the operation, as the S3 client's serializers do.
      query: { 'x-id': method === 'GET' ? 'GetObject' : 'PutObject', ...(ref.versionId ? { versionId: ref.versionId } : {}) },
      headers,
    });
    return this.presigner.presign(request, { expiresIn, signingDate });
  }

  /** The object's body, retried like the S3 client's GetObject; a non-2xx answer throws S3RequestError. */
  get(ref: S3ObjectRef, headers: Record<string, string>): Promise<Readable> {
    return this.retrying.call('s3:GetObject', () => this.getOnce(ref, headers));
  }

  private async getOnce(ref: S3ObjectRef, headers: Record<string, string>): Promise<Readable> {
    // Sent as signed, not through the URL's text: a URL parser would fold a key's `.` and `..`
    // segments, which S3 keeps as part of the key.
    const signed = await this.sign('GET', ref, {}, 900);
    this.http ??= new NodeHttpHandler({ connectionTimeout: 10_000, requestTimeout: 60_000, throwOnRequestTimeout: true });
    const { response } = await this.http.handle(new HttpRequest({ ...signed, headers: { ...signed.headers, ...headers } }));
    const body = response.body as Readable;
    if (response.statusCode >= 200 && response.statusCode < 300) return body;
    const text = Buffer.concat(await body.toArray()).toString('utf8', 0, 4096);
    const field = (name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(text)?.[1];
    const code = field('Code') ?? `HTTP${response.statusCode}`;
    throw new S3RequestError(
      response.statusCode,
      code,
      `S3 GetObject s3://${ref.bucket}/${ref.key}: ${response.statusCode} ${code}${field('Message') ? ` (${field('Message')})` : ''}`,
    );
  }

  destroy(): void {
    this.http?.destroy();
  }
}

const signing = memo(() => new S3Signing());

/** A presigned GET of the object (at its version, when given), valid for `expiresIn` seconds. */
export const presignGet = async (ref: S3ObjectRef, expiresIn: number, signingDate?: Date): Promise<string> =>
  formatUrl(await signing().sign('GET', ref, {}, expiresIn, signingDate));

/** A presigned PUT of a new object that binds its size and (create-only) If-None-Match. */
export const presignPut = async (ref: S3ObjectRef, put: PutConditions, expiresIn: number, signingDate?: Date): Promise<string> =>
  formatUrl(
    await signing().sign(
      'PUT',
      ref,
      {
        'content-type': put.contentType,
        'content-length': String(put.contentLength),
        ...(put.ifNoneMatch ? { 'if-none-match': put.ifNoneMatch } : {}),
      },
      expiresIn,
      signingDate,
    ),
  );

/** The object's bytes; `ifMatch` (an ETag) pins them, so an overwrite answers 412 PreconditionFailed. */
export const getObject = (ref: S3ObjectRef & { ifMatch?: string }): Promise<Readable> =>
  signing().get(ref, ref.ifMatch ? { 'if-match': ref.ifMatch } : {});
