// Parameter Store's GetParameter without the SSM client, for ./secrets. The SSM client is 174 KB
// of minified code, parsed at every cold start of every function whether or not it reads a
// secret (6–16 ms of CPU of each init, npm run bench -- --only coldstart), for this one call. What
// is the SDK's stays the SDK's: its endpoint rules for SSM (the client's own resolver), region and
// FIPS/dual-stack settings, credential chain, SigV4 signer, HTTP handler and retry strategy
// (./request); written here is only the call's awsJson1.1 shape. test/lib/aws/ssm.test.ts holds
// the request to the SSM client's own, and sends it to a signature-checking stand-in.
import { defaultEndpointResolver } from '@aws-sdk/client-ssm/dist-es/endpoint/endpointResolver';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { HttpRequest } from '@smithy/core/protocols';
import { Hash } from '@smithy/core/serde';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { SignatureV4 } from '@smithy/signature-v4';
import * as z from 'zod';
import { memo } from './memo';
import { AwsRequestError, Retrying, type ServiceSettings, serviceSettings } from './request';

/** An SSM answer other than 2xx: `code` is SSM's error code (ParameterNotFound, AccessDeniedException…). */
export class SsmRequestError extends AwsRequestError {}

const Answer = z.object({
  Parameter: z.object({ Value: z.string().optional() }).optional(),
  __type: z.string().optional(),
  message: z.string().optional(),
  Message: z.string().optional(),
});

/** The answer's JSON, or undefined when it is not what SSM sends (a proxy's HTML page, a cut body). */
const readAnswer = (text: string): z.infer<typeof Answer> | undefined => {
  try {
    const parsed = Answer.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
};

/** The awsJson1.1 error code: `__type` or the x-amzn-errortype header, without namespace or URI. */
const errorCode = (type: string | undefined, status: number) => type?.replace(/:.*$/, '').replace(/^.*#/, '') || `HTTP${status}`;

class Ssm {
  private readonly settings: Promise<ServiceSettings> = serviceSettings('SSM');
  private readonly signer = new SignatureV4({
    credentials: defaultProvider(),
    region: async () => (await this.settings).region,
    service: 'ssm',
    sha256: Hash.bind(null, 'sha256'),
  });
  private readonly retrying = new Retrying();
  // A secret read should not hold an invocation for long: SSM answers in tens of milliseconds.
  private readonly http = new NodeHttpHandler({ connectionTimeout: 5_000, requestTimeout: 10_000, throwOnRequestTimeout: true });

  /** The signed GetParameter request; `signingDate` only for tests that compare signatures. */
  async sign(name: string, signingDate?: Date): Promise<HttpRequest> {
    const s = await this.settings;
    const { url } = defaultEndpointResolver({ Region: s.region, UseFIPS: s.useFips, UseDualStack: s.useDualstack, Endpoint: s.endpoint });
    const body = Buffer.from(JSON.stringify({ Name: name, WithDecryption: true }));
    const request = new HttpRequest({
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      // The operation's path `/` after the endpoint's own, as the SDK's awsJson serializer joins them.
      path: url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`,
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AmazonSSM.GetParameter',
        'content-length': String(body.length),
        host: url.host,
      },
      body,
    });
    return this.signer.sign(request, { signingDate }) as Promise<HttpRequest>;
  }

  /** The parameter's decrypted value (undefined when it has none); a non-2xx answer throws SsmRequestError. */
  getParameter(name: string): Promise<string | undefined> {
    return this.retrying.call('ssm:GetParameter', async () => {
      // Signed per attempt: a retry carries its own date.
      const { response } = await this.http.handle(await this.sign(name));
      const answer = readAnswer(Buffer.concat(await response.body.toArray()).toString('utf8'));
      const ok = response.statusCode >= 200 && response.statusCode < 300;
      if (ok && answer) return answer.Parameter?.Value;
      const code = ok ? 'InvalidAnswer' : errorCode(answer?.__type ?? response.headers['x-amzn-errortype'], response.statusCode);
      const detail = ok ? 'not the JSON of a GetParameter answer' : (answer?.message ?? answer?.Message);
      throw new SsmRequestError(
        response.statusCode,
        code,
        `SSM GetParameter ${name}: ${response.statusCode} ${code}${detail ? ` (${detail})` : ''}`,
      );
    });
  }

  destroy(): void {
    this.http.destroy();
  }
}

/** One SSM caller per AWS settings (rebuilt when they change, like every client). */
export const ssm = memo(() => new Ssm());
