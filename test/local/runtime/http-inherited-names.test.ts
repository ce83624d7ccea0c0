// Names every object or function inherits, sent to the HTTP API as a route, a path parameter, a
// query parameter, a header and a JSON body key. The gateway hands the function exactly what was
// sent (a string, never an inherited member such as a function's source), and the project's own
// HTTP API answers each with a 4xx naming what is wrong — never a success, never internal state.
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../../local/stack';
import { startRelStack, type RelStack } from '../../reliability/support/stack';
import { INHERITED_NAMES } from '../../support/inherited-names';
import { recorded, startFixtureStack } from '../helpers';

let fixture: LocalStack;
let rel: RelStack;
beforeAll(async () => {
  [fixture, rel] = await Promise.all([startFixtureStack(), startRelStack()]);
}, 60_000);
afterAll(async () => {
  await Promise.all([fixture?.close(), rel?.close()]);
});

const lastEvent = () => recorded('api').at(-1) as APIGatewayProxyEventV2;

describe('local HTTP gateway', () => {
  it('passes inherited names through as the strings the caller sent', async () => {
    for (const name of INHERITED_NAMES) {
      const q = encodeURIComponent(name);
      const res = await fetch(`${fixture.endpoints.httpApi}/items/${q}?${q}=x&${q}=y&plain=1`, { headers: { [name]: 'h' } });
      expect(res.status, name).toBe(200);
      const event = lastEvent();
      expect(Object.hasOwn(event.queryStringParameters!, name), name).toBe(true);
      expect(event.queryStringParameters![name], name).toBe('x,y');
      expect(event.queryStringParameters!.plain).toBe('1');
      expect(event.pathParameters, name).toEqual({ id: name });
      // Node's HTTP parser (and fetch) drop a `__proto__` header before any handler sees it.
      if (name !== '__proto__')
        expect(Object.hasOwn(event.headers, name.toLowerCase()) && event.headers[name.toLowerCase()], name).toBe('h');
    }
    // A request without those names sees none of them (nothing inherited shows through).
    await fetch(`${fixture.endpoints.httpApi}/items/1?a=1`);
    expect(lastEvent().queryStringParameters).toEqual({ a: '1' });
    expect(typeof (lastEvent().queryStringParameters as Record<string, unknown>).constructor).toBe('function');
  });
});

describe('the HTTP API (serverless.yml functions on the local stack)', () => {
  const noState = (text: string) => {
    expect(text).not.toContain(rel.local.secrets.apiKey);
    expect(text).not.toMatch(/function |\[native code\]|=>/);
  };

  it('as a route or path parameter: 404 / 400, never a success', async () => {
    for (const name of INHERITED_NAMES) {
      const q = encodeURIComponent(name);
      for (const route of [`/${q}`, `/jobs/${q}/x`, `/uploads/${q}`]) {
        const r = await rel.api(route);
        expect(r.status, route).toBe(404);
        noState(r.text);
      }
      // `constructor` has the shape of a job id, so it is looked up — and not found.
      const job = await rel.api(`/jobs/${q}`);
      if (/^[a-z0-9][a-z0-9_-]{7,80}$/.test(name))
        expect([job.status, job.json?.message ?? job.text], name).toEqual([404, expect.stringContaining(`no job ${name}`)]);
      else expect([job.status, job.text], name).toEqual([400, expect.stringContaining('id')]);
      noState(job.text);
    }
  });

  it('as query parameters and headers: the answer is the one the request deserves', async () => {
    for (const name of INHERITED_NAMES) {
      const q = encodeURIComponent(name);
      const r = await rel.api(`/jobs/up-aaaaaaaaaaaaaaaaaaaaaaaaaa?${q}=1`);
      expect(r.status, name).toBe(404);
      noState(r.text);
      const unauth = await rel.api(`/jobs/up-aaaaaaaaaaaaaaaaaaaaaaaaaa?${q}=1`, { apiKey: null });
      expect(unauth.status, name).toBe(401);
    }
  });

  it('as JSON body keys, alone or in place of a required field: 400 naming the field', async () => {
    for (const name of INHERITED_NAMES) {
      for (const body of [
        `{${JSON.stringify(name)}:"x"}`,
        `{${JSON.stringify(name)}:{"filename":"a.mp4","contentType":"video/mp4","size":1000}}`,
      ]) {
        for (const route of ['/uploads', '/upload-signatures']) {
          const r = await rel.api(route, { method: 'POST', body });
          expect(r.status, `${route} ${body}`).toBe(400);
          noState(r.text);
        }
      }
      const r = await rel.api('/uploads', {
        method: 'POST',
        body: JSON.stringify({ filename: name, contentType: 'video/mp4', size: 1000 }),
      });
      expect(r.status, name).toBe(400);
      expect(r.text).toContain('filename');
    }
  });
});
