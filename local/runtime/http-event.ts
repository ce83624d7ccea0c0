// API Gateway HTTP API (payload format 2.0): route selection, the event a function receives and
// how its result becomes the HTTP response.
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { HttpRouteSpec } from '../serverless/model';

export interface RouteMatch<T> {
  route: HttpRouteSpec;
  target: T;
  pathParameters: Record<string, string>;
}

interface CompiledRoute<T> {
  route: HttpRouteSpec;
  target: T;
  regex: RegExp | null;
  names: string[];
  score: number[]; // more specific first: literal segments, then params, greedy last
}

/** API Gateway picks the most specific route: exact paths over {param} over {greedy+}, method over ANY, $default last. */
export class RouteTable<T> {
  private readonly routes: CompiledRoute<T>[] = [];

  add(route: HttpRouteSpec, target: T): void {
    if (!route.path) {
      this.routes.push({ route, target, regex: null, names: [], score: [-1] });
      return;
    }
    const names: string[] = [];
    const segments = route.path.split('/').filter(Boolean);
    const pattern = segments
      .map((segment) => {
        const param = /^\{([^}+]+)(\+)?\}$/.exec(segment);
        if (!param) return `/${escapeRegex(segment)}`;
        names.push(param[1]!);
        return param[2] ? '/(.+)' : '/([^/]+)';
      })
      .join('');
    const literal = segments.filter((s) => !s.startsWith('{')).length;
    const greedy = segments.some((s) => s.endsWith('+}')) ? 0 : 1;
    this.routes.push({
      route,
      target,
      regex: new RegExp(`^${pattern || ''}/?$`),
      names,
      score: [greedy, literal, segments.length, route.method === 'ANY' ? 0 : 1],
    });
    this.routes.sort((a, b) => compareScores(b.score, a.score));
  }

  match(method: string, path: string): RouteMatch<T> | undefined {
    for (const compiled of this.routes) {
      const { route } = compiled;
      if (route.method !== 'ANY' && route.method !== method) continue;
      if (!compiled.regex) return { route, target: compiled.target, pathParameters: {} };
      const m = compiled.regex.exec(path === '' ? '/' : path);
      if (!m) continue;
      const pathParameters: Record<string, string> = Object.create(null);
      compiled.names.forEach((name, i) => {
        pathParameters[name] = safeDecode(m[i + 1]!);
      });
      return { route, target: compiled.target, pathParameters };
    }
    return undefined;
  }
}

const TEXT_TYPES = /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded|[\w.+-]+\+(json|xml))\b)/i;

export interface RequestFacts {
  method: string;
  rawUrl: string; // path + query, as received
  headers: IncomingHttpHeaders;
  body: Buffer;
  sourceIp: string;
  httpVersion: string;
}

export function buildHttpEvent(request: RequestFacts, match: RouteMatch<unknown>, accountId: string): APIGatewayProxyEventV2 {
  const url = new URL(request.rawUrl, 'http://local');
  const rawQueryString = request.rawUrl.includes('?') ? request.rawUrl.slice(request.rawUrl.indexOf('?') + 1) : '';
  // Header and query names are the caller's: null-prototype maps, so `?constructor=x` is a plain
  // parameter and never meets Object.prototype (a handler once got a function's source text).
  const headers: Record<string, string> = Object.create(null);
  let cookies: string[] | undefined;
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    if (lower === 'cookie') {
      cookies = (Array.isArray(value) ? value : [value]).flatMap((v) => v.split(/;\s*/)).filter(Boolean);
      continue; // HTTP API moves cookies out of the headers
    }
    headers[lower] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = Object.create(null);
  for (const [name, value] of url.searchParams) query[name] = Object.hasOwn(query, name) ? `${query[name]},${value}` : value;
  const contentType = headers['content-type'] ?? '';
  const isText = request.body.length === 0 || TEXT_TYPES.test(contentType);
  const now = new Date();
  const requestId = randomUUID();
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: match.route.routeKey,
    rawPath: url.pathname,
    rawQueryString,
    headers,
    requestContext: {
      accountId,
      apiId: 'local',
      domainName: headers.host ?? '127.0.0.1',
      domainPrefix: (headers.host ?? '127.0.0.1').split('.')[0]!,
      http: {
        method: request.method,
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey: match.route.routeKey,
      stage: '$default',
      time: formatClf(now),
      timeEpoch: now.getTime(),
    },
    isBase64Encoded: !isText,
  };
  if (cookies) event.cookies = cookies;
  if (Object.keys(query).length) event.queryStringParameters = query;
  if (Object.keys(match.pathParameters).length) event.pathParameters = match.pathParameters;
  if (request.body.length) event.body = isText ? request.body.toString('utf8') : request.body.toString('base64');
  // Lambda hands the function a JSON-parsed event: ordinary objects whose caller-chosen keys
  // (`constructor`, `__proto__`) are own properties holding the caller's strings.
  return JSON.parse(JSON.stringify(event)) as APIGatewayProxyEventV2;
}

export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  cookies: string[];
  body: Buffer;
}

/** Payload 2.0 response mapping, including the "no statusCode → 200 JSON" inference. */
export function mapHttpResult(result: unknown): HttpResponse {
  if (result && typeof result === 'object' && 'statusCode' in result) {
    const r = result as {
      statusCode: unknown;
      headers?: Record<string, unknown>;
      multiValueHeaders?: Record<string, unknown[]>;
      body?: unknown;
      isBase64Encoded?: unknown;
      cookies?: unknown;
    };
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(r.multiValueHeaders ?? {})) headers[name.toLowerCase()] = value.map(String).join(',');
    for (const [name, value] of Object.entries(r.headers ?? {})) headers[name.toLowerCase()] = String(value);
    const body = r.body === undefined || r.body === null ? '' : typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
    const statusCode = Number(r.statusCode);
    if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) return gatewayError(500, 'Internal Server Error');
    return {
      statusCode,
      headers,
      cookies: Array.isArray(r.cookies) ? r.cookies.map(String) : [],
      body: r.isBase64Encoded === true ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8'),
    };
  }
  const body = typeof result === 'string' ? result : result === undefined ? '' : JSON.stringify(result);
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, cookies: [], body: Buffer.from(body, 'utf8') };
}

export function gatewayError(statusCode: number, message: string): HttpResponse {
  return { statusCode, headers: { 'content-type': 'application/json' }, cookies: [], body: Buffer.from(JSON.stringify({ message })) };
}

function formatClf(date: Date): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(date.getUTCDate())}/${months[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}

function compareScores(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d) return d;
  }
  return 0;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
