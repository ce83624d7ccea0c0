import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../../local/stack';
import { recorded, startFixtureStack } from '../helpers';

let stack: LocalStack;
beforeAll(async () => {
  stack = await startFixtureStack();
});
afterAll(async () => {
  await stack?.close();
});

const lastEvent = (fn = 'api') => recorded(fn).at(-1) as APIGatewayProxyEventV2;

describe('HTTP API (payload 2.0)', () => {
  it('builds the event: routeKey, rawPath, path/query parameters, lower-case headers, cookies, text body', async () => {
    const res = await fetch(`${stack.endpoints.httpApi}/items/a%20b?x=1&x=2&y=z`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Custom-Header': 'V', Cookie: 'c1=v1; c2=v2' },
      body: JSON.stringify({ hello: 'world' }),
    });
    expect(res.status).toBe(201);
    const event = lastEvent();
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'POST /items/{id}',
      rawPath: '/items/a%20b',
      rawQueryString: 'x=1&x=2&y=z',
      cookies: ['c1=v1', 'c2=v2'],
      queryStringParameters: { x: '1,2', y: 'z' },
      pathParameters: { id: 'a b' },
      body: '{"hello":"world"}',
      isBase64Encoded: false,
      requestContext: {
        http: { method: 'POST', path: '/items/a%20b', sourceIp: '127.0.0.1', protocol: 'HTTP/1.1' },
        routeKey: 'POST /items/{id}',
        stage: '$default',
        accountId: '000000000000',
      },
    });
    expect(event.headers['x-custom-header']).toBe('V');
    expect(event.headers['content-type']).toBe('application/json');
    expect(event.headers.cookie).toBeUndefined();
    expect(event.requestContext.timeEpoch).toBeGreaterThan(Date.now() - 60_000);
    expect(event.requestContext.time).toMatch(/^\d{2}\/\w{3}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
  });

  it('maps the structured response: status, headers, cookies as Set-Cookie, body', async () => {
    const res = await fetch(`${stack.endpoints.httpApi}/items/42`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-route')).toBe('GET /items/{id}');
    expect(res.headers.getSetCookie()).toEqual(['session=abc; Path=/', 'theme=dark']);
    expect(await res.json()).toEqual({ routeKey: 'GET /items/{id}', pathParameters: { id: '42' } });
    const event = lastEvent();
    expect(event.body).toBeUndefined();
    expect(event.queryStringParameters).toBeUndefined();
  });

  it('base64-encodes binary request bodies and decodes isBase64Encoded responses', async () => {
    await fetch(`${stack.endpoints.httpApi}/items/bin`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: new Uint8Array([0, 255, 10]),
    });
    expect(lastEvent()).toMatchObject({ isBase64Encoded: true, body: Buffer.from([0, 255, 10]).toString('base64') });
    const res = await fetch(`${stack.endpoints.httpApi}/binary`);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(Buffer.from([0, 1, 2, 255]));
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
  });

  it('infers 200 + JSON when the result has no statusCode', async () => {
    const res = await fetch(`${stack.endpoints.httpApi}/plain`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual({ hello: 'world' });
  });

  it('answers 500 for a thrown error and 503 for a timeout, like API Gateway', async () => {
    const boom = await fetch(`${stack.endpoints.httpApi}/boom`);
    expect(boom.status).toBe(500);
    expect(await boom.json()).toEqual({ message: 'Internal Server Error' });
    const started = Date.now();
    const slow = await fetch(`${stack.endpoints.httpApi}/slow`);
    expect(slow.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(1450); // cut at the 1 s function timeout, not the 1.5 s handler
  });

  it('runs concurrent requests to one function side by side, as Lambda gives each its own environment', async () => {
    // Six requests to the 1 s-timeout route at once: each is cut at its own timeout, none waits
    // for another's invocation (with the SQS functions' default of 2 slots, the last would take 3 s).
    const started = Date.now();
    const answers = await Promise.all(Array.from({ length: 6 }, () => fetch(`${stack.endpoints.httpApi}/slow`)));
    expect(answers.map((r) => r.status)).toEqual(Array(6).fill(503));
    expect(Date.now() - started).toBeLessThan(1450);
  });

  it('matches greedy paths and falls back to the $default route', async () => {
    await fetch(`${stack.endpoints.httpApi}/files/a/b/c.mp4`);
    expect(lastEvent().pathParameters).toEqual({ path: 'a/b/c.mp4' });
    const res = await fetch(`${stack.endpoints.httpApi}/nowhere?q=1`, { method: 'DELETE' });
    expect(res.status).toBe(418);
    expect(await res.text()).toBe('fallback $default /nowhere');
    expect(lastEvent('fallback').routeKey).toBe('$default');
  });

  it('answers CORS preflights when provider.httpApi.cors is set', async () => {
    const res = await fetch(`${stack.endpoints.httpApi}/items/1`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://example.test', 'Access-Control-Request-Method': 'POST' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-headers')).toContain('Content-Type');
  });
});
