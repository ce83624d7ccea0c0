// `vodflow api` against the scripted VOD server: in-process through commander, and as a real
// process through cli/bin.mjs once cli/main.ts registers the command.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Command, CommanderError } from 'commander';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { register } from '../../cli/commands/api';
import { startScriptedVodServer, type ScriptedVodServer } from '../support/scripted-vod-server';

const SECRET_ID = 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA';
const SECRET_KEY = 'Gu5t9xGARNpq86cd98joQYCN3Cozk1qA';
const ROOT = join(import.meta.dirname, '..', '..');

let server: ScriptedVodServer;
let dir: string;
beforeAll(async () => {
  server = await startScriptedVodServer({ secretKey: SECRET_KEY });
  dir = await mkdtemp(join(tmpdir(), 'vodflow-api-cli-'));
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  server.reset();
  server.setHandler(undefined);
});

interface Run {
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
}

async function run(
  args: string[],
  env: Record<string, string | undefined> = { VOD_SECRET_ID: SECRET_ID, VOD_SECRET_KEY: SECRET_KEY },
): Promise<Run> {
  const out: Run = { exitCode: undefined, stdout: '', stderr: '' };
  const program = new Command('vodflow').exitOverride();
  program.configureOutput({ writeOut: (t) => void (out.stdout += t), writeErr: (t) => void (out.stderr += t) });
  register(program, {
    stdout: (t) => void (out.stdout += t),
    stderr: (t) => void (out.stderr += t),
    env,
    setExitCode: (code) => void (out.exitCode = code),
  });
  try {
    await program.parseAsync(['api', ...args], { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    out.exitCode = error.exitCode;
  }
  return out;
}

describe('vodflow api (in-process)', () => {
  it('prints the response JSON, exits 0 on code 0; params pass through flat', async () => {
    server.enqueue({ json: { code: 0, message: '', codeDesc: 'Success', basicInfo: { name: 'a' } } });
    const r = await run(['GetVideoInfo', 'fileId=123', 'infoFilter.0=basicInfo', 'note=a=b', '--endpoint', server.endpoint]);
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ code: 0, message: '', codeDesc: 'Success', basicInfo: { name: 'a' } });
    expect(r.stdout).toContain('\n  "code": 0'); // pretty
    expect(r.stderr).toBe('');
    const [req] = server.requests;
    expect(req?.signature.ok).toBe(true);
    expect(req?.method).toBe('POST');
    expect(req?.params).toMatchObject({ Action: 'GetVideoInfo', fileId: '123', 'infoFilter.0': 'basicInfo', note: 'a=b', Region: 'gz' });
  });

  it('--method GET --signature-method HmacSHA256 --region sh are honoured and verified', async () => {
    const r = await run([
      'DescribeClass',
      '--method',
      'GET',
      '--signature-method',
      'HmacSHA256',
      '--region',
      'sh',
      '--endpoint',
      server.endpoint,
    ]);
    expect(r.exitCode).toBe(0);
    expect(server.requests[0]).toMatchObject({ method: 'GET', signature: { ok: true, signatureMethod: 'HmacSHA256' } });
    expect(server.requests[0]?.params.Region).toBe('sh');
  });

  it('VOD_ENDPOINT is used when --endpoint is absent', async () => {
    const r = await run(['DescribeClass'], { VOD_SECRET_ID: SECRET_ID, VOD_SECRET_KEY: SECRET_KEY, VOD_ENDPOINT: server.endpoint });
    expect(r.exitCode).toBe(0);
    expect(server.requests).toHaveLength(1);
  });

  it('data-upload actions go to VOD_UPLOAD_ENDPOINT, with --body as the chunk', async () => {
    const chunk = join(dir, 'chunk.bin');
    await writeFile(chunk, 'part-bytes');
    const env = {
      VOD_SECRET_ID: SECRET_ID,
      VOD_SECRET_KEY: SECRET_KEY,
      VOD_ENDPOINT: 'http://127.0.0.1:9/unused',
      VOD_UPLOAD_ENDPOINT: server.uploadEndpoint,
    };
    const sha = 'a'.repeat(40);
    const r = await run(['UploadPart', `fileSha=${sha}`, 'offset=0', 'dataSize=10', 'dataMd5=' + 'b'.repeat(32), '--body', chunk], env);
    expect(r.exitCode).toBe(0);
    expect(server.requests[0]).toMatchObject({ path: '/v3/index.php', method: 'POST', contentType: 'application/octet-stream' });
    expect(server.requests[0]?.body.toString()).toBe('part-bytes');
    expect(server.requests[0]?.signature.ok).toBe(true);
  });

  it('code ≠ 0: the response on stdout, one classified line on stderr, exit 1, no retry', async () => {
    server.enqueue({ json: { code: 6000, message: 'internal', codeDesc: 'InternalError' } });
    const r = await run(['DescribeClass', '--endpoint', server.endpoint]);
    expect(r.exitCode).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ code: 6000 });
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^vodflow api: DescribeClass failed: code 6000 InternalError: internal \(retryable: yes\)/);
    expect(server.requests).toHaveLength(1);
  });

  it('--retry retries a retryable code with a freshly signed request', async () => {
    server.enqueue({ json: { code: 6000, message: 'internal' } });
    const r = await run(['DescribeClass', '--retry', '--endpoint', server.endpoint]);
    expect(r.exitCode).toBe(0);
    expect(server.requests).toHaveLength(2);
    expect(server.requests[0]?.params.Nonce).not.toBe(server.requests[1]?.params.Nonce);
  });

  it('missing credentials: one line naming the variables, exit 2, nothing sent', async () => {
    const r = await run(['DescribeClass', '--endpoint', server.endpoint], { VOD_SECRET_ID: SECRET_ID });
    expect(r).toMatchObject({ exitCode: 2, stdout: '' });
    expect(r.stderr).toBe('vodflow api: set VOD_SECRET_KEY (the API key pair) in the environment\n');
    expect(server.requests).toHaveLength(0);
  });

  it('a bad endpoint or pair is a usage error', async () => {
    const bad = await run(['DescribeClass', '--endpoint', 'not a url']);
    expect(bad).toMatchObject({ exitCode: 2, stderr: 'vodflow api: --endpoint is not an http(s) URL: "not a url"\n' });
    const badEnv = await run(['DescribeClass'], { VOD_SECRET_ID: 'a', VOD_SECRET_KEY: 'b', VOD_ENDPOINT: 'ftp://x' });
    expect(badEnv.stderr).toMatch(/^vodflow api: VOD_ENDPOINT is not an http\(s\) URL/);
    const pair = await run(['DescribeClass', 'novalue', '--endpoint', server.endpoint]);
    expect(pair).toMatchObject({ exitCode: 2, stderr: 'vodflow api: expected name=value, got "novalue"\n' });
    const common = await run(['DescribeClass', 'Region=sh', '--endpoint', server.endpoint]);
    expect(common.stderr).toMatch(/Region is set by vodflow api itself/);
    expect(server.requests).toHaveLength(0);
  });

  it('an unreachable host: one line, exit 1, the key never printed', async () => {
    const closed = await startScriptedVodServer({ secretKey: SECRET_KEY });
    await closed.close();
    const r = await run(['DescribeClass', '--endpoint', closed.endpoint]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^vodflow api: cannot get an answer: DescribeClass via ${closed.endpoint}: .*ECONNREFUSED.*\\n$`));
    expect(r.stderr + r.stdout).not.toContain(SECRET_KEY);
  });

  it('an answer that is not JSON: one line with the start of the body, exit 1', async () => {
    server.enqueue({ text: '<html><body>Bad gateway page</body></html>', status: 404 });
    const r = await run(['DescribeClass', '--endpoint', server.endpoint]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/^vodflow api: DescribeClass via .*: response is not JSON \(HTTP 404\): <html><body>Bad gateway page/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('--help lists the options and an example', async () => {
    const r = await run(['--help']);
    for (const text of ['--method', '--signature-method', '--endpoint', '--retry', 'Examples:', 'vodflow api DescribeClass']) {
      expect(r.stdout).toContain(text);
    }
  });
});

const exec = promisify(execFile);
const registered = readFileSync(join(ROOT, 'cli', 'main.ts'), 'utf8').includes('commands/api');

describe.skipIf(!registered)('vodflow api (spawned through cli/bin.mjs)', () => {
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, VOD_SECRET_ID: SECRET_ID, VOD_SECRET_KEY: SECRET_KEY };

  it('calls the server and prints the JSON; exit 0', async () => {
    server.enqueue({ json: { code: 0, message: '', data: [{ id: '0', name: '其他' }] } });
    const { stdout } = await exec('node', ['cli/bin.mjs', 'api', 'DescribeClass', '--endpoint', server.endpoint], { cwd: ROOT, env });
    expect(JSON.parse(stdout)).toMatchObject({ code: 0, data: [{ id: '0', name: '其他' }] });
    expect(server.requests[0]?.signature.ok).toBe(true);
  });

  it('exits 1 on code ≠ 0 and 2 without credentials, with one line and no stack trace', async () => {
    server.enqueue({ json: { code: 4100, message: 'auth', codeDesc: 'AuthFailure' } });
    const failed = await exec('node', ['cli/bin.mjs', 'api', 'DescribeClass', '--endpoint', server.endpoint], { cwd: ROOT, env }).catch(
      (e) => e,
    );
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/^vodflow api: DescribeClass failed: code 4100/);

    const noCreds = await exec('node', ['cli/bin.mjs', 'api', 'DescribeClass', '--endpoint', server.endpoint], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
    }).catch((e) => e);
    expect(noCreds.code).toBe(2);
    expect(noCreds.stderr).toBe('vodflow api: set VOD_SECRET_ID and VOD_SECRET_KEY (the API key pair) in the environment\n');
  });
});
