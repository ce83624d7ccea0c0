// A Parameter Store stand-in speaking SSM's JSON protocol (awsJson1_1, GetParameter only) on
// 127.0.0.1: enough for the real @aws-sdk/client-ssm behind lib/aws/secrets.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SsmServer {
  endpoint: string;
  /** Parameter names asked for, in order. */
  requests: string[];
  close(): Promise<void>;
}

export async function startSsmServer(parameters: Record<string, string>): Promise<SsmServer> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      const reply = (status: number, payload: unknown) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify(payload));
      };
      if (req.headers['x-amz-target'] !== 'AmazonSSM.GetParameter') {
        reply(400, { __type: 'InvalidAction', message: `unsupported ${String(req.headers['x-amz-target'])}` });
        return;
      }
      const { Name } = JSON.parse(body) as { Name: string };
      requests.push(Name);
      const value = parameters[Name];
      if (value === undefined) reply(400, { __type: 'ParameterNotFound', message: `no parameter ${Name}` });
      else reply(200, { Parameter: { Name, Type: 'SecureString', Value: value, Version: 1 } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
