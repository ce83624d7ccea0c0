// Every name an object or a function inherits (`constructor`, `toString`, `__proto__`, `call`, …)
// sent where the emulator looks something up by a caller's name: as the Action (signed and not),
// as a route, as a parameter name and as the id a lookup uses, on the general API and the
// data-upload API. Each gets an error code — never code 0, never a byte of internal state.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_ACCOUNT, startEmulator, type RunningEmulator } from '../../emulator';
import { encodeParams, sign } from '../../lib/vod/signer';
import { INHERITED_NAMES } from '../support/inherited-names';
import { api, type Json } from './helpers';

let emu: RunningEmulator;
let fileId: string;
beforeAll(async () => {
  emu = await startEmulator({ env: false, log: false });
  // Some state worth leaking: a class and an upload session in progress.
  expect((await api(emu.endpoint, 'CreateClass', { className: 'secret-class' })).code).toBe(0);
  fileId = '1';
});
afterAll(() => emu?.close());

/** What must never appear in an answer: credentials, the data dir, the store's collection names. */
function leaks(text: string): string[] {
  const markers = [
    DEV_ACCOUNT.secretKey,
    emu.dataDir,
    'secret-class',
    '"oneTime"',
    '"uploads"',
    '"classes"',
    '[native code]',
    'function ',
    '=>',
  ];
  return markers.filter((m) => text.includes(m));
}

async function send(url: string, init?: RequestInit): Promise<{ status: number; body: Json; text: string }> {
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) as Json, text };
}

function signed(params: Record<string, string>, method = 'GET', path = '/v2/index.php') {
  const host = new URL(emu.url).host;
  const all = {
    Region: 'gz',
    Timestamp: String(Math.floor(Date.now() / 1000)),
    Nonce: String(Math.floor(Math.random() * 1e12)),
    SecretId: DEV_ACCOUNT.secretId,
    ...params,
  };
  return { ...all, Signature: sign({ method, host, path, params: all, secretKey: DEV_ACCOUNT.secretKey }) };
}

const PATHS = ['/v2/index.php', '/v2/interface.php', '/v3/index.php'];

function expectRefused(what: string, r: { status: number; body: Json; text: string }) {
  expect(typeof r.body.code, `${what}: ${r.text.slice(0, 200)}`).toBe('number');
  expect(r.body.code, `${what}: ${r.text.slice(0, 200)}`).not.toBe(0);
  expect(leaks(r.text), what).toEqual([]);
}

describe('names inherited from Object.prototype and Function.prototype', () => {
  it('covers the names the brief lists', () => {
    for (const n of [
      'constructor',
      'toString',
      'valueOf',
      'hasOwnProperty',
      '__proto__',
      'prototype',
      'call',
      'apply',
      'bind',
      '__defineGetter__',
    ])
      expect(INHERITED_NAMES).toContain(n);
  });

  it('as the Action, unsigned, by GET and by POST, on both hosts: an error code, never state', async () => {
    for (const path of PATHS) {
      for (const name of INHERITED_NAMES) {
        const q = `Action=${encodeURIComponent(name)}`;
        expectRefused(`GET ${path} ${name}`, await send(`${emu.url}${path}?${q}`));
        expectRefused(
          `POST ${path} ${name}`,
          await send(`${emu.url}${path}`, { method: 'POST', body: q, headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
        );
        // Upload-host style: params in the query, bytes as the body.
        expectRefused(
          `upload ${path} ${name}`,
          await send(`${emu.url}${path}?${q}&fileSha=${'a'.repeat(40)}`, { method: 'POST', body: Buffer.from('x') }),
        );
      }
    }
  });

  it('as the Action, correctly signed: 6100, not an inherited member', async () => {
    for (const path of PATHS) {
      for (const name of INHERITED_NAMES) {
        const r = await send(`${emu.url}${path}?${encodeParams(signed({ Action: name }, 'GET', path))}`);
        expectRefused(`signed ${path} ${name}`, r);
        expect(r.body.code, `${path} ${name}`).toBe(6100);
      }
    }
  });

  it('as a route and as a media path: 4000 / 404, never state', async () => {
    for (const name of INHERITED_NAMES) {
      for (const path of [`/${name}`, `/v2/${name}`, `/v2/${name}.php`]) {
        const r = await send(`${emu.url}${path}`);
        expect(r.status, path).toBe(404);
        expectRefused(path, r);
      }
      const media = await fetch(`${emu.url}/vod${DEV_ACCOUNT.appId}/${encodeURIComponent(name)}/f0.mp4`);
      expect(media.status, name).toBeGreaterThanOrEqual(400);
      expect(leaks(await media.text())).toEqual([]);
    }
  });

  it('as parameter names of unsigned calls (query and form body): refused, never state', async () => {
    for (const path of PATHS) {
      for (const name of INHERITED_NAMES) {
        const q = `Action=DescribeAllClass&${encodeURIComponent(name)}=1`;
        expectRefused(`query ${path} ${name}`, await send(`${emu.url}${path}?${q}`));
        expectRefused(
          `body ${path} ${name}`,
          await send(`${emu.url}${path}`, { method: 'POST', body: q, headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
        );
      }
    }
  });

  it('as the ids lookups use (fileId, vodTaskId, classId, fileSha, msgHandle) in signed calls: an error code', async () => {
    const calls: Array<[string, string, Record<string, string>]> = [];
    for (const name of INHERITED_NAMES) {
      calls.push(
        ['/v2/index.php', 'GetVideoInfo', { fileId: name }],
        ['/v2/index.php', 'DeleteVodFile', { fileId: name, priority: '0' }],
        ['/v2/index.php', 'GetTaskInfo', { vodTaskId: name }],
        ['/v2/index.php', 'RedoTask', { vodTaskId: name }],
        ['/v2/index.php', 'ModifyClass', { classId: name, className: 'x' }],
        ['/v2/index.php', 'GetVideoInfo', { fileId, [`infoFilter.0`]: name }],
        ['/v2/index.php', 'MultiPullVodFile', { [`pullset.0.${name}`]: 'x', 'pullset.0.url': 'http://127.0.0.1:1/a.mp4' }],
        ['/v2/index.php', 'ConfirmEvent', { 'msgHandle.0': name }],
        ['/v3/index.php', 'FinishUpload', { fileSha: name }],
        ['/v3/index.php', 'UploadPart', { fileSha: name, offset: '0', dataSize: '1', dataMd5: 'x' }],
      );
    }
    for (const [path, action, params] of calls) {
      const r = await send(`${emu.url}${path}?${encodeParams(signed({ Action: action, ...params }, 'POST', path))}`, {
        method: 'POST',
        body: Buffer.from('x'),
      });
      expectRefused(`${action} ${JSON.stringify(params)}`, r);
    }
  });

  it('keeps serving and still holds the state it refused to show', async () => {
    const classes = await api(emu.endpoint, 'DescribeAllClass');
    expect(classes.code).toBe(0);
    expect(JSON.stringify(classes)).toContain('secret-class');
  });
});
