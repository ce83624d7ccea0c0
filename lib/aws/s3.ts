// S3 for the two functions that touch objects, without the S3 client: create-upload presigns a
// PUT, initiate-upload presigns a GET (pull: VOD fetches it; push: vodflow streams it). The URLs
// are signed by the SDK's own S3 presigner (SigV4, unsigned payload) with the SDK's credential
// chain and region settings; only the object's address is written here (./s3-endpoint). The S3
// client weighed 146 KB of every cold start of those two functions, 14 ms of initiate-upload's
// init (npm run bench -- --only coldstart), for one URL per call.
import type { Readable } from 'node:stream';
import { formatUrl } from '@aws-sdk/core/util';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { S3RequestPresigner } from '@aws-sdk/s3-request-presigner';
import {
  loadConfig,
  NODE_REGION_CONFIG_FILE_OPTIONS,
  NODE_REGION_CONFIG_OPTIONS,
  NODE_USE_DUALSTACK_ENDPOINT_CONFIG_OPTIONS,
  NODE_USE_FIPS_ENDPOINT_CONFIG_OPTIONS,
} from '@smithy/core/config';
import { HttpRequest, parseUrl } from '@smithy/core/protocols';
import { Hash } from '@smithy/core/serde';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { memo } from './memo';
import { s3ObjectUrl, type S3EndpointSettings } from './s3-endpoint';

export interface S3ObjectRef {
  bucket: string;
  key: string;
  versionId?: string;
}

/** Headers a presigned PUT binds: the uploader must send these values (S3 checks the signature). */
export interface PutConditions {
  contentType: string;
  contentLength: number;
  /** `*`: create-only, a second PUT answers 412 instead of replacing the object. */
  ifNoneMatch?: '*';
}

/** An S3 answer other than 2xx, with S3's own error code (NoSuchKey, PreconditionFailed…). */
export class S3RequestError extends Error {
  override readonly name = 'S3RequestError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** S3 says the object is not there as asked: deleted (404), or overwritten under If-Match (412). */
export const objectGone = (err: unknown): err is S3RequestError => err instanceof S3RequestError && (err.status === 404 || err.status === 412);

class S3Signing {
  private readonly credentials = defaultProvider();
  private readonly settings: Promise<S3EndpointSettings>;
  private readonly presigners = new Map<string, S3RequestPresigner>();
  private http: NodeHttpHandler | undefined;

  constructor() {
    // The endpoint variables the SDK clients read; a custom one is a stand-in, addressed by path.
    const endpoint = process.env.AWS_ENDPOINT_URL_S3 || process.env.AWS_ENDPOINT_URL || undefined;
    this.settings = Promise.all([
      loadConfig(NODE_REGION_CONFIG_OPTIONS, NODE_REGION_CONFIG_FILE_OPTIONS)(),
      loadConfig(NODE_USE_FIPS_ENDPOINT_CONFIG_OPTIONS)(),
      loadConfig(NODE_USE_DUALSTACK_ENDPOINT_CONFIG_OPTIONS)(),
    ]).then(([region, useFips, useDualstack]) => ({ region, endpoint, useFips, useDualstack }));
    // Settled here, so that a missing region rejects the call that awaits it, not the process.
    this.settings.catch(() => undefined);
  }

  async presign(
    method: 'GET' | 'PUT',
    ref: S3ObjectRef,
    headers: Record<string, string>,
    expiresIn: number,
    signingDate?: Date,
  ): Promise<string> {
    const url = s3ObjectUrl(ref.bucket, ref.key, await this.settings);
    const request = new HttpRequest({
      method,
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port,
      path: url.path,
      // x-id names the operation, as the S3 client's serializers do.
      query: { 'x-id': method === 'GET' ? 'GetObject' : 'PutObject', ...(ref.versionId ? { versionId: ref.versionId } : {}) },
      headers,
    });
    return formatUrl(await this.presigner(url.signingRegion).presign(request, { expiresIn, signingDate }));
  }

  /** One GET of the object through the SDK's HTTP handler; a non-2xx answer throws S3RequestError. */
  async get(ref: S3ObjectRef, headers: Record<string, string>): Promise<Readable> {
    this.http ??= new NodeHttpHandler({ connectionTimeout: 10_000, requestTimeout: 60_000 });
    const { response } = await this.http.handle(new HttpRequest({ ...parseUrl(await this.presign('GET', ref, {}, 900)), headers }));
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

  private presigner(region: string): S3RequestPresigner {
    let presigner = this.presigners.get(region);
    if (!presigner) {
      presigner = new S3RequestPresigner({ credentials: this.credentials, region, sha256: Hash.bind(null, 'sha256'), service: 's3' });
      this.presigners.set(region, presigner);
    }
    return presigner;
  }

  destroy(): void {
    this.http?.destroy();
  }
}

const signing = memo(() => new S3Signing());

/** A presigned GET of the object (at its version, when given), valid for `expiresIn` seconds. */
export const presignGet = (ref: S3ObjectRef, expiresIn: number, signingDate?: Date): Promise<string> =>
  signing().presign('GET', ref, {}, expiresIn, signingDate);

/** A presigned PUT of a new object that binds its type, size and (create-only) If-None-Match. */
export const presignPut = (ref: S3ObjectRef, put: PutConditions, expiresIn: number, signingDate?: Date): Promise<string> =>
  signing().presign(
    'PUT',
    ref,
    {
      'content-type': put.contentType,
      'content-length': String(put.contentLength),
      ...(put.ifNoneMatch ? { 'if-none-match': put.ifNoneMatch } : {}),
    },
    expiresIn,
    signingDate,
  );

/** The object's bytes; `ifMatch` (an ETag) pins them, so an overwrite answers 412 PreconditionFailed. */
export const getObject = (ref: S3ObjectRef & { ifMatch?: string }): Promise<Readable> =>
  signing().get(ref, ref.ifMatch ? { 'if-match': ref.ifMatch } : {});
