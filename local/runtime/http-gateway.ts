// A node:http server playing API Gateway (HTTP API) for the httpApi routes in serverless.yml.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildHttpEvent, gatewayError, mapHttpResult, RouteTable, type HttpResponse } from './http-event';
import type { FunctionInvoker } from './invoker';
import type { CorsSpec } from '../serverless/model';

const MAX_BODY_BYTES = 10 * 1024 * 1024; // API Gateway's payload limit

export interface HttpGatewayOptions {
  invokers: FunctionInvoker[];
  accountId: string;
  cors: CorsSpec | null;
  port?: number;
  log: (message: string) => void;
}

/** Takes a request before the routes (its body unread); true when it answers it itself. */
export type HttpMount = (req: IncomingMessage, res: ServerResponse) => boolean;

export interface HttpGateway {
  url: string; // http://127.0.0.1:PORT
  /** Serves extra paths (the local console) beside the API routes. */
  mount(handler: HttpMount): void;
  close(): Promise<void>;
}

export async function startHttpGateway(options: HttpGatewayOptions): Promise<HttpGateway> {
  const routes = new RouteTable<FunctionInvoker>();
  for (const invoker of options.invokers) for (const route of invoker.fn.http) routes.add(route, invoker);

  const mounts: HttpMount[] = [];
  const server: Server = createServer((req, res) => {
    if (mounts.some((mount) => mount(req, res))) return;
    handle(req, res).catch((error: unknown) => {
      options.log(`[http] ${req.method} ${req.url}: ${(error as Error).message}`);
      if (!res.headersSent) send(res, gatewayError(500, 'Internal Server Error'), null, req);
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const rawUrl = req.url ?? '/';
    const body = await readBody(req);
    if (body === null) {
      // The rest of the body was never read: this connection cannot carry another request.
      res.setHeader('connection', 'close');
      return send(res, gatewayError(413, 'Request Entity Too Large'), options.cors, req);
    }
    if (method === 'OPTIONS' && options.cors && req.headers['access-control-request-method']) {
      return send(res, { statusCode: 204, headers: preflightHeaders(options.cors), cookies: [], body: Buffer.alloc(0) }, options.cors, req);
    }
    const match = routes.match(method, new URL(rawUrl, 'http://local').pathname);
    if (!match) return send(res, gatewayError(404, 'Not Found'), options.cors, req);
    const event = buildHttpEvent(
      { method, rawUrl, headers: req.headers, body, sourceIp: normaliseIp(req.socket.remoteAddress), httpVersion: req.httpVersion },
      match,
      options.accountId,
    );
    const result = await match.target.invoke(event);
    if (!result.ok)
      return send(
        res,
        result.timedOut ? gatewayError(503, 'Service Unavailable') : gatewayError(500, 'Internal Server Error'),
        options.cors,
        req,
      );
    send(res, mapHttpResult(result.result), options.cors, req);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    mount: (handler) => void mounts.push(handler),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function send(res: ServerResponse, response: HttpResponse, cors: CorsSpec | null, req: IncomingMessage): void {
  const headers: Record<string, string | string[]> = { ...response.headers, 'apigw-requestid': Math.random().toString(36).slice(2) };
  if (cors) Object.assign(headers, corsHeaders(cors, req.headers.origin));
  if (response.cookies.length) headers['set-cookie'] = response.cookies;
  headers['content-length'] = String(response.body.length);
  res.writeHead(response.statusCode, headers);
  res.end(req.method === 'HEAD' ? undefined : response.body);
}

function corsHeaders(cors: CorsSpec, origin: string | undefined): Record<string, string> {
  if (!origin) return {};
  const allowed = cors.allowedOrigins.includes('*') || cors.allowedOrigins.includes(origin);
  if (!allowed) return {};
  const out: Record<string, string> = {
    'access-control-allow-origin': cors.allowedOrigins.includes('*') && !cors.allowCredentials ? '*' : origin,
  };
  if (cors.allowCredentials) out['access-control-allow-credentials'] = 'true';
  if (cors.exposedResponseHeaders.length) out['access-control-expose-headers'] = cors.exposedResponseHeaders.join(',');
  return out;
}

function preflightHeaders(cors: CorsSpec): Record<string, string> {
  const out: Record<string, string> = {
    'access-control-allow-methods': cors.allowedMethods.join(','),
    'access-control-allow-headers': cors.allowedHeaders.join(','),
  };
  if (cors.maxAge !== undefined) out['access-control-max-age'] = String(cors.maxAge);
  return out;
}

async function readBody(req: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function normaliseIp(ip: string | undefined): string {
  return (ip ?? '127.0.0.1').replace(/^::ffff:/, '');
}
