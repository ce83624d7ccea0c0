// openapi.yaml is the HTTP contract: every route is called over HTTP through the real handlers and
// each answer must be a status the contract documents for that operation, with a body that
// validates against its schema (ajv, JSON Schema 2020-12 as OpenAPI 3.1 uses). The request bodies
// of the zod schemas and of the contract must name the same fields.
import '../support/quiet';
import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import * as z from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpHandler } from '../../lib/http/handler';
import { apiEvent, startHttpApi, type HttpLambda } from '../support/http-api';
import { lambdaContext } from '../support/stack';
import { API_KEY, CALLBACK_TOKEN, startHarness, type Harness } from './harness';

type Operation = { requestBody?: { required?: boolean; content: Record<string, { schema: any }> }; responses: Record<string, any> };
const openapi = parse(readFileSync(new URL('../../openapi.yaml', import.meta.url), 'utf8')) as {
  paths: Record<string, Record<string, Operation>>;
  components: { responses: Record<string, any> };
};
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(openapi, 'openapi');

const seen = new Map<string, Set<string>>(); // "post /uploads" → statuses answered
const pointer = (...parts: string[]) => parts.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');

/** Checks one answer against the contract of `method path` and records it. */
async function conforms(method: string, path: string, res: { status: number; body: string; contentType: string | null }) {
  const op = openapi.paths[path]?.[method];
  expect(op, `${method} ${path} is documented`).toBeDefined();
  const status = String(res.status);
  expect(Object.keys(op!.responses), `${method} ${path} documents ${status} (body ${res.body})`).toContain(status);
  const documented = op!.responses[status];
  const response = documented.$ref ? openapi.components.responses[documented.$ref.split('/').pop()] : documented;
  const where = documented.$ref
    ? `#/components/responses/${pointer(documented.$ref.split('/').pop())}`
    : `#/paths/${pointer(path)}/${method}/responses/${status}`;
  if (response.content?.['application/json']) {
    expect(res.contentType, `${method} ${path} ${status} content-type`).toMatch(/^application\/json/);
    const validate = ajv.getSchema(`openapi${where}/content/application~1json/schema`)!;
    const ok = validate(JSON.parse(res.body));
    expect(ok ? [] : validate.errors, `${method} ${path} ${status}: ${res.body}`).toEqual([]);
  }
  const key = `${method} ${path}`;
  seen.set(key, (seen.get(key) ?? new Set()).add(status));
}

let h: Harness;
let api: Awaited<ReturnType<typeof startHttpApi>>;

beforeAll(async () => {
  h = await startHarness();
  const load = async (n: string) => (await import(`../../functions/${n}.ts`)).handler as HttpLambda;
  api = await startHttpApi([
    { method: 'POST', path: '/uploads', handler: await load('create-upload') },
    { method: 'GET', path: '/jobs/{id}', handler: await load('get-job') },
    { method: 'POST', path: '/upload-signatures', handler: await load('sign-upload') },
    { method: 'POST', path: '/vod/callback/{token}', handler: await load('vod-webhook') },
  ]);
});
afterAll(async () => {
  await api?.close();
  await h?.close();
});

async function call(
  method: string,
  route: string,
  url: string,
  init: { body?: string; json?: unknown; key?: string | null; contentType?: string; headers?: Record<string, string> } = {},
) {
  const body = init.json !== undefined ? JSON.stringify(init.json) : init.body;
  const contentType = init.contentType ?? (init.json !== undefined ? 'application/json' : undefined);
  const key = init.key === undefined ? API_KEY : init.key;
  const res = await fetch(`${api.url}${url}`, {
    method: method.toUpperCase(),
    headers: { ...(key ? { 'x-api-key': key } : {}), ...(contentType ? { 'content-type': contentType } : {}), ...init.headers },
    body,
  });
  const answer = { status: res.status, body: await res.text(), contentType: res.headers.get('content-type') };
  await conforms(method, route, answer);
  return answer;
}

describe('HTTP API contract (openapi.yaml)', () => {
  it('POST /uploads answers only documented statuses and shapes', async () => {
    const created = await call('post', '/uploads', '/uploads', { json: { filename: 'a.mp4', contentType: 'video/mp4', size: 10 } });
    expect(created.status).toBe(201);
    expect(
      (await call('post', '/uploads', '/uploads', { json: { filename: 'a.mp4', contentType: 'video/mp4', size: 10, extra: 1 } })).status,
    ).toBe(400);
    expect(
      (await call('post', '/uploads', '/uploads', { json: { filename: 'a.mp4', contentType: 'video/mp4', size: 10 }, key: 'wrong' }))
        .status,
    ).toBe(401);
    expect(
      (await call('post', '/uploads', '/uploads', { body: 'filename=a.mp4', contentType: 'application/x-www-form-urlencoded' })).status,
    ).toBe(415);

    const { jobId } = JSON.parse(created.body) as { jobId: string };
    expect((await call('get', '/jobs/{id}', `/jobs/${jobId}`)).status).toBe(200);
    expect((await call('get', '/jobs/{id}', '/jobs/NOT_AN_ID')).status).toBe(400);
    expect((await call('get', '/jobs/{id}', `/jobs/${jobId}`, { key: null })).status).toBe(401);
    expect((await call('get', '/jobs/{id}', '/jobs/up-aaaaaaaaaaaaaaaaaaaaaaaaaa')).status).toBe(404);
  });

  it('POST /upload-signatures takes its optional body as documented: none at all is the defaults', async () => {
    expect((await call('post', '/upload-signatures', '/upload-signatures')).status).toBe(201);
    expect((await call('post', '/upload-signatures', '/upload-signatures', { json: { validitySeconds: 600 } })).status).toBe(201);
    expect((await call('post', '/upload-signatures', '/upload-signatures', { json: { validitySeconds: 10 } })).status).toBe(400);
    expect((await call('post', '/upload-signatures', '/upload-signatures', { key: 'wrong' })).status).toBe(401);
    expect((await call('post', '/upload-signatures', '/upload-signatures', { body: 'not json', contentType: 'text/plain' })).status).toBe(
      415,
    );
  });

  it('POST /vod/callback/{token} acknowledges, rejects a wrong token and a bad body', async () => {
    const route = '/vod/callback/{token}';
    expect(
      (
        await call('post', route, `/vod/callback/${CALLBACK_TOKEN}`, {
          json: { version: '4.0', eventType: 'SomeFutureEvent', data: {} },
          key: null,
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await call('post', route, '/vod/callback/wrong-token-000000000000', {
          json: { version: '4.0', eventType: 'SomeFutureEvent', data: {} },
          key: null,
        })
      ).status,
    ).toBe(404);
    expect((await call('post', route, `/vod/callback/${CALLBACK_TOKEN}`, { json: { eventType: 42 }, key: null })).status).toBe(400);
    expect(
      (await call('post', route, `/vod/callback/${CALLBACK_TOKEN}`, { body: '{not json', contentType: 'application/json', key: null }))
        .status,
    ).toBe(400); // parsed by the handler: VOD gets a 400, never a 415
  });

  it('answers an unexpected failure with a documented JSON 500, not an empty body', async () => {
    // The same middy stack every HTTP function uses, around a handler that fails unexpectedly.
    const failing = httpHandler(
      async () => {
        throw new Error('DynamoDB said no: arn:internal-detail');
      },
      { auth: false },
    );
    const result = (await failing(apiEvent('GET', '/jobs/x') as never, lambdaContext('get-job') as never)) as {
      statusCode: number;
      headers: Record<string, string>;
      body: string;
    };
    expect(result.statusCode).toBe(500);
    expect(result.body).not.toContain('internal-detail');
    const contentType = Object.entries(result.headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? null;
    for (const [path, ops] of Object.entries(openapi.paths)) {
      for (const method of Object.keys(ops)) await conforms(method, path, { status: 500, body: result.body, contentType });
    }
  });

  it('accepts a token the JWT authorizer verified in place of x-api-key, and nothing a client sends', async () => {
    const sign = (await import('../../functions/sign-upload')).handler as unknown as (
      e: unknown,
      c: unknown,
    ) => Promise<{ statusCode: number }>;
    const viaGateway = apiEvent('POST', '/upload-signatures', { routeKey: 'POST /upload-signatures' }) as unknown as {
      requestContext: Record<string, unknown>;
    };
    viaGateway.requestContext.authorizer = { jwt: { claims: { sub: 'browser-user', iss: 'https://issuer.example' }, scopes: null } };
    expect((await sign(viaGateway, lambdaContext('sign-upload'))).statusCode).toBe(201);
    // A bearer header alone is not a verified token: only API Gateway fills requestContext.
    const forged = await call('post', '/upload-signatures', '/upload-signatures', {
      key: null,
      headers: { authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.' },
    });
    expect(forged.status).toBe(401);
  });

  it('covers every documented route and status', () => {
    for (const [path, ops] of Object.entries(openapi.paths)) {
      for (const [method, op] of Object.entries(ops))
        expect([...(seen.get(`${method} ${path}`) ?? [])].sort(), `${method} ${path}`).toEqual(Object.keys(op.responses).sort());
    }
  });

  it('documents the request fields the zod schemas accept', async () => {
    const bodies: Array<[string, z.ZodType]> = [
      ['/uploads', (await import('../../functions/create-upload')).uploadBody()],
      ['/upload-signatures', (await import('../../functions/sign-upload')).signatureBody()],
    ];
    for (const [path, schema] of bodies) {
      const documented = openapi.paths[path]!.post!.requestBody!.content['application/json']!.schema;
      const fromZod = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as {
        properties: Record<string, unknown>;
        required?: string[];
        additionalProperties?: unknown;
      };
      expect(Object.keys(documented.properties).sort(), path).toEqual(Object.keys(fromZod.properties).sort());
      expect([...(documented.required ?? [])].sort(), path).toEqual([...(fromZod.required ?? [])].sort());
      expect(documented.additionalProperties, path).toBe(fromZod.additionalProperties ?? true);
    }
  });
});
