// A tiny API Gateway (HTTP API, payload v2) in front of the HTTP handlers, on 127.0.0.1: the
// routes come from serverless.yml, requests become APIGatewayProxyEventV2 events, and the
// handler's result becomes the HTTP response — so tests (and the emulator's callbacks) talk HTTP.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { lambdaContext } from './stack';

export type HttpLambda = (event: APIGatewayProxyEventV2, context: Context) => Promise<unknown>;

interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  routeKey: string;
  handler: HttpLambda;
}

/** `/jobs/{id}` → a regex and its parameter names. */
function compile(path: string): { pattern: RegExp; names: string[] } {
  const names: string[] = [];
  const source = path.replace(/\{(\w+)\}/g, (_, n: string) => {
    names.push(n);
    return '([^/]+)';
  });
  return { pattern: new RegExp(`^${source}$`), names };
}

export function apiEvent(
  method: string,
  path: string,
  init: { headers?: Record<string, string>; body?: string; pathParameters?: Record<string, string>; routeKey?: string } = {},
): APIGatewayProxyEventV2 {
  const url = new URL(path, 'http://localhost');
  return {
    version: '2.0',
    routeKey: init.routeKey ?? `${method} ${url.pathname}`,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers: init.headers ?? {},
    queryStringParameters: url.search ? Object.fromEntries(url.searchParams) : undefined,
    pathParameters: init.pathParameters,
    body: init.body,
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method, path: url.pathname, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
      requestId: 'req',
      routeKey: init.routeKey ?? `${method} ${url.pathname}`,
      stage: '$default',
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
    },
  };
}

export async function startHttpApi(
  routes: Array<{ method: string; path: string; handler: HttpLambda }>,
): Promise<{ url: string; close(): Promise<void>; server: Server }> {
  const table: Route[] = routes.map((r) => ({
    ...compile(r.path),
    method: r.method,
    routeKey: `${r.method} ${r.path}`,
    handler: r.handler,
  }));
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = table.find((r) => r.method === req.method && r.pattern.test(url.pathname));
    if (!route) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"Not Found"}');
      return;
    }
    const match = route.pattern.exec(url.pathname)!;
    const pathParameters = Object.fromEntries(route.names.map((n, i) => [n, decodeURIComponent(match[i + 1]!)]));
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : (v ?? '')]));
    const event = apiEvent(req.method!, req.url ?? '/', {
      headers,
      body: chunks.length ? Buffer.concat(chunks).toString('utf8') : undefined,
      pathParameters: route.names.length ? pathParameters : undefined,
      routeKey: route.routeKey,
    });
    try {
      const out = (await route.handler(event, lambdaContext(route.routeKey))) as {
        statusCode?: number;
        headers?: Record<string, string>;
        body?: string;
      };
      res.writeHead(out.statusCode ?? 200, out.headers ?? {}).end(out.body ?? '');
    } catch (err) {
      res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ message: (err as Error).message }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
