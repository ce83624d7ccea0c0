// Hostile requests against the VOD emulator, seeded and reproducible. Each request has a kind
// (what attack it is) and what the emulator must answer: a documented code, never a 5xx, never a
// stack trace. Signed requests are signed with the real signer so an attack gets past the parts
// it is not about (a SSRF pull URL is checked, not merely refused for a bad signature).
import { encodeParams, sign } from '../../../lib/vod/signer';
import { DEV_ACCOUNT } from '../../../emulator';
import { mulberry32 as prng } from '../../../emulator/prng';
import { INHERITED_NAMES } from '../../support/inherited-names';

export const DOCUMENTED = new Set([
  0, 1, 2, 4000, 4100, 4400, 4500, 6100, 1903, 1904, 1905, 1907, 10008, 10009, 10026, 70014, -10001, -10002, -10003, -10006,
]);

export const KINDS = [
  'forged', // signed with a key that is not the account's
  'tampered', // a parameter changed after signing
  'replayed', // a request sent again, nonce and all
  'stale', // Timestamp outside ±7200 s (the emulator's default window)
  'wrong-host', // signed for another Host than the one it is sent to
  'missing', // a common parameter left out
  'duplicated', // a parameter given twice
  'bad-encoding', // %FF, overlong UTF-8, lone escapes
  'huge', // huge values, many params, huge bodies
  'traversal', // ../ in ids and names
  'ssrf', // pull URLs: other schemes, private and reserved addresses
  'garbage', // random bytes, wrong content types
  'inherited', // constructor, toString, __proto__, … as Action, id or parameter name, on both hosts
] as const;
export type Kind = (typeof KINDS)[number];

const ACTIONS = [
  'DescribeClass',
  'GetVideoInfo',
  'DescribeVodPlayUrls',
  'ModifyVodInfo',
  'DeleteVodFile',
  'ProcessFile',
  'GetTaskInfo',
  'GetTaskList',
  'RedoTask',
  'ConfirmEvent',
  'PullEvent',
  'CreateClass',
  'MultiPullVodFile',
  'InitUpload',
  'FinishUpload',
  'ClipVideo',
  'ConcatVideo',
  'CreateSnapshotByTimeOffset',
];
const TRAVERSAL = [
  '../../state.json',
  '..%2F..%2Fetc%2Fpasswd',
  '/etc/passwd',
  '....//....//x',
  '%2e%2e%2f%2e%2e%2f',
  '..\\..\\windows\\win.ini',
  'a/../../b',
  '\u0000../x',
];
const SSRF = [
  'file:///etc/passwd',
  'file://localhost/etc/shadow',
  'gopher://127.0.0.1:70/_GET',
  'ftp://127.0.0.1/x.mp4',
  'dict://127.0.0.1:11211/',
  'data:video/mp4;base64,AAAA',
  'javascript:alert(1)',
  'http://10.0.0.1/a.mp4',
  'http://172.16.5.4/a.mp4',
  'http://192.168.1.1/a.mp4',
  'http://169.254.169.254/latest/meta-data/',
  'http://100.64.0.1/x',
  'http://0.0.0.0/x',
  'http://[::ffff:10.0.0.1]/x',
  'http://[fc00::1]/x',
  'http://[fe80::1]/x',
  'http://[::ffff:a9fe:a9fe]/x',
  'http://user:pass@127.0.0.1/x',
  'http://224.0.0.1/x',
  'http://240.0.0.1/x',
];

export interface HostileRequest {
  kind: Kind;
  url: string;
  init: RequestInit;
  /** A code the answer must have, when the attack has one right answer. */
  expectCode?: number;
}

export function hostileGenerator(baseUrl: string, seed: number) {
  const rand = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const host = new URL(baseUrl).host;
  const now = () => Math.floor(Date.now() / 1000);
  let nonce = seed % 100_000;
  const replayable: string[] = [];

  const common = (action: string): Record<string, string> => ({
    Action: action,
    Region: 'gz',
    Timestamp: String(now()),
    Nonce: String(++nonce * 13 + 7),
    SecretId: DEV_ACCOUNT.secretId,
  });
  const signed = (method: 'GET' | 'POST', path: string, params: Record<string, string>, opts: { key?: string; host?: string } = {}) => ({
    ...params,
    Signature: sign({ method, host: opts.host ?? host, path, params, secretKey: opts.key ?? DEV_ACCOUNT.secretKey }),
  });
  const get = (path: string, query: string) => ({ url: `${baseUrl}${path}?${query}`, init: {} as RequestInit });
  const post = (path: string, body: string | Uint8Array, type = 'application/x-www-form-urlencoded') => ({
    url: `${baseUrl}${path}`,
    init: { method: 'POST', body, headers: { 'content-type': type } } as RequestInit,
  });

  return function next(kind: Kind = pick(KINDS)): HostileRequest {
    const path = '/v2/index.php';
    const action = pick(ACTIONS);
    const method = rand() < 0.5 ? 'GET' : 'POST';
    const send = (p: Record<string, string>) => (method === 'GET' ? get(path, encodeParams(p)) : post(path, encodeParams(p)));
    // A data-upload action with its params in the query is answered by the upload host's codes.
    const upload = method === 'GET' && (action === 'InitUpload' || action === 'FinishUpload');
    const SIG = upload ? -10002 : 4100;
    switch (kind) {
      case 'forged':
        return {
          kind,
          ...send(
            signed(method, path, common(action), {
              key: pick(['', 'x', DEV_ACCOUNT.secretKey.slice(1), DEV_ACCOUNT.secretKey.toLowerCase()]) || 'k',
            }),
          ),
          expectCode: SIG,
        };
      case 'tampered': {
        const p = signed(method, path, { ...common('GetTaskInfo'), vodTaskId: 'task-1' });
        return { kind, ...send({ ...p, vodTaskId: 'task-2' }), expectCode: 4100 };
      }
      case 'replayed': {
        if (replayable.length && rand() < 0.7) return { kind, ...get(path, pick(replayable)), expectCode: 4500 };
        const q = encodeParams(signed('GET', path, common('DescribeClass')));
        replayable.push(q);
        return { kind, ...get(path, q), expectCode: 0 };
      }
      case 'stale': {
        const p = { ...common(action), Timestamp: String(now() + pick([-1, 1]) * (7201 + Math.floor(rand() * 1e7))) };
        return { kind, ...send(signed(method, path, p)), expectCode: upload ? -10001 : 4500 };
      }
      case 'wrong-host':
        return {
          kind,
          ...send(
            signed(method, path, common(action), {
              host: pick(['vod.api.qcloud.com', '127.0.0.1', `evil.example:${new URL(baseUrl).port}`, host.toUpperCase() + '.']),
            }),
          ),
          expectCode: SIG,
        };
      case 'missing': {
        const p = common(action);
        const left = pick(['Action', 'Region', 'Timestamp', 'Nonce', 'SecretId']);
        delete p[left];
        return { kind, ...send(rand() < 0.5 ? signed(method, path, p) : p), expectCode: upload && left !== 'Action' ? -10001 : 4000 };
      }
      case 'duplicated': {
        const q = encodeParams(signed(method, path, common(action)));
        const dup = `${q}&${pick(['Action=DescribeClass', 'Nonce=1', 'Signature=AAAA', 'SecretId=x', 'Timestamp=1'])}`;
        return { kind, ...(method === 'GET' ? get(path, dup) : post(path, dup)), expectCode: 4000 };
      }
      case 'bad-encoding': {
        const q = encodeParams(signed(method, path, common(action)));
        const bad = `${q}&x=${pick(['%FF', '%C0%AF', '%E0%80%80', '%ED%A0%80', '%', '%Z1', '%F8%88%80%80%80', '%C3%28'])}`;
        return { kind, ...(method === 'GET' ? get(path, bad) : post(path, bad)), expectCode: 4000 };
      }
      case 'huge': {
        const which = Math.floor(rand() * 4);
        if (which === 0) return { kind, ...get(path, `${encodeParams(common(action))}&v=${'A'.repeat(70_000)}`) };
        if (which === 1) return { kind, ...post(path, 'a=b&'.repeat(300_000)) };
        if (which === 2) return { kind, ...post(path, Array.from({ length: 3000 }, (_, i) => `p${i}=1`).join('&')) };
        return {
          kind,
          ...send(
            signed(method, path, { ...common('ModifyVodInfo'), fileId: '1', name: 'n'.repeat(5000), description: '説明'.repeat(2000) }),
          ),
        };
      }
      case 'traversal': {
        const p = common(
          pick(['GetVideoInfo', 'DescribeVodPlayUrls', 'DeleteVodFile', 'GetTaskInfo', 'ProcessFile', 'RedoTask', 'ModifyVodInfo']),
        );
        return {
          kind,
          ...send(signed(method, path, { ...p, fileId: pick(TRAVERSAL), vodTaskId: pick(TRAVERSAL), name: pick(TRAVERSAL) })),
        };
      }
      case 'ssrf':
        return {
          kind,
          ...send(
            signed(method, path, {
              ...common('MultiPullVodFile'),
              'pullset.0.url': pick(SSRF),
              'pullset.0.fileName': pick(['a.mp4', ...TRAVERSAL]),
            }),
          ),
          expectCode: 4000,
        };
      case 'inherited': {
        const name = pick(INHERITED_NAMES);
        const where = pick(['/v2/index.php', '/v3/index.php', '/v2/interface.php']);
        const sendTo = (p: Record<string, string>) => (method === 'GET' ? get(where, encodeParams(p)) : post(where, encodeParams(p)));
        const which = Math.floor(rand() * 5);
        // Signed: the name reaches the dispatch table and the lookups, past authentication.
        if (which === 0) return { kind, ...sendTo(signed(method, where, common(name))), expectCode: 6100 };
        // Unsigned: refused before anything is looked up by it.
        if (which === 1) return { kind, ...sendTo(common(name)), expectCode: 4000 };
        if (which === 2) return { kind, ...sendTo({ ...common('DescribeClass'), [name]: '1' }), expectCode: 4000 };
        if (which === 3) return { kind, ...send(signed(method, path, { ...common('GetTaskInfo'), vodTaskId: name })), expectCode: 70014 };
        const q = encodeParams(signed('POST', '/v3/index.php', { ...common('FinishUpload'), fileSha: name }));
        return { kind, url: `${baseUrl}/v3/index.php?${q}`, init: { method: 'POST', body: new Uint8Array(1) }, expectCode: -10003 };
      }
      case 'garbage': {
        const bytes = Uint8Array.from({ length: Math.floor(rand() * 4096) }, () => Math.floor(rand() * 256));
        return {
          kind,
          ...(rand() < 0.5
            ? post(
                pick(['/v2/index.php', '/v3/index.php', '/v2/interface.php']),
                bytes,
                pick(['application/x-www-form-urlencoded', 'application/json', 'text/plain', 'multipart/form-data; boundary=x']),
              )
            : get(path, Buffer.from(bytes).toString('latin1').replace(/[#\s]/g, ''))),
        };
      }
    }
  };
}
