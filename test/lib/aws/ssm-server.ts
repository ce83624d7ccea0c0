// A Parameter Store stand-in speaking SSM's JSON protocol (awsJson1_1, GetParameter only) on
// 127.0.0.1, enough for lib/aws/secrets and the SSM client alike. It checks every request's SigV4
// signature (computed again from the request as received, with the test's credentials), and can
// be scripted to answer the next requests with given failures.
import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpRequest } from '@smithy/core/protocols';
import { Hash } from '@smithy/core/serde';
import { SignatureV4 } from '@smithy/signature-v4';

export const SSM_TEST_CREDENTIALS = { accessKeyId: 'AKIDSSMTEST', secretAccessKey: 'ssm-test-secret' };

export interface ScriptedAnswer {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

export interface SsmServer {
  endpoint: string;
  /** Parameter names asked for, in order (signed requests only). */
  requests: string[];
  /** Requests refused for their signature. */
  badSignatures: number;
  /** Answers for the next requests, before the parameters are looked up. */
  script: ScriptedAnswer[];
  close(): Promise<void>;
}

/** The authorization header the request should carry, signed again from what arrived. */
async function expectedAuthorization(method: string, url: string, headers: IncomingHttpHeaders, body: Buffer): Promise<string | undefined> {
  const auth = headers.authorization;
  const date = headers['x-amz-date'];
  if (typeof auth !== 'string' || typeof date !== 'string') return undefined;
  const region = /Credential=[^/]+\/\d{8}\/([^/]+)\/ssm\/aws4_request/.exec(auth)?.[1];
  const signed = /SignedHeaders=([^,]+)/.exec(auth)?.[1]?.split(';') ?? [];
  if (!region) return undefined;
  const kept: Record<string, string> = {};
  for (const name of signed) if (typeof headers[name] === 'string') kept[name] = headers[name] as string;
  const signer = new SignatureV4({
    credentials: SSM_TEST_CREDENTIALS,
    region,
    service: 'ssm',
    sha256: Hash.bind(null, 'sha256'),
  });
  const at = new Date(
    `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${date.slice(9, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`,
  );
  const request = new HttpRequest({ method, hostname: String(headers.host).split(':')[0], path: url, headers: kept, body });
  const out = await signer.sign(request, { signingDate: at });
  return out.headers.authorization;
}

export async function startSsmServer(parameters: Record<string, string>): Promise<SsmServer> {
  const state: SsmServer = { endpoint: '', requests: [], badSignatures: 0, script: [], close: async () => undefined };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const reply = (status: number, payload: string, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', ...headers });
        res.end(payload);
      };
      const body = Buffer.concat(chunks);
      const expected = await expectedAuthorization(req.method ?? '', req.url ?? '/', req.headers, body);
      // The signature covers x-amz-content-sha256, which must be the body's own hash.
      const bodyHash = createHash('sha256').update(body).digest('hex');
      if (!expected || expected !== req.headers.authorization || req.headers['x-amz-content-sha256'] !== bodyHash) {
        state.badSignatures++;
        reply(403, JSON.stringify({ __type: 'InvalidSignatureException', message: 'The request signature we calculated does not match' }));
        return;
      }
      if (req.headers['x-amz-target'] !== 'AmazonSSM.GetParameter') {
        reply(400, JSON.stringify({ __type: 'InvalidAction', message: `unsupported ${String(req.headers['x-amz-target'])}` }));
        return;
      }
      const { Name } = JSON.parse(body.toString('utf8')) as { Name: string };
      state.requests.push(Name);
      const scripted = state.script.shift();
      if (scripted) {
        reply(scripted.status, scripted.body, scripted.headers);
        return;
      }
      const value = Object.hasOwn(parameters, Name) ? parameters[Name] : undefined;
      if (value === undefined) reply(400, JSON.stringify({ __type: 'ParameterNotFound', message: `no parameter ${Name}` }));
      else reply(200, JSON.stringify({ Parameter: { Name, Type: 'SecureString', Value: value, Version: 1 } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  state.endpoint = `http://127.0.0.1:${port}`;
  state.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return state;
}
