// The function bundles as serverless.yml builds them (custom.esbuild, its plugins file included),
// run in a plain `node` the way Lambda runs them, with no node_modules at all: the AWS SDK is in
// the bundle, tree-shaken. Proves that cutting zod's locales keeps its English messages, that a
// bundle stays within the budget, and that a function carries only the SDK clients it uses (S3
// and SSM are called without theirs).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE_LIMIT_BYTES } from '../../build/bundle-sizes';
import { functionBuild } from '../../build/esbuild-options';
import { loadServerlessConfig } from '../../local';
import { SSM_TEST_CREDENTIALS, startSsmServer, type SsmServer } from '../lib/aws/ssm-server';

const root = fileURLToPath(new URL('../../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'vodflow-esbuild-'));
const { options, extension } = functionBuild();
const fn = loadServerlessConfig(join(root, 'serverless.yml'), { stage: 'test' }).model.functions.find((f) => f.key === 'sign-upload')!;

interface Bundle {
  path: string;
  metafile: Metafile;
}

/** Builds functions/<name>.ts with serverless.yml's esbuild settings. */
async function bundle(name: string): Promise<Bundle> {
  const entry = `functions/${name}.ts`;
  const { metafile } = await build({ ...options, entryPoints: [entry], outdir: join(work, 'functions'), metafile: true });
  return { path: join(work, 'functions', `${name}${extension}`), metafile };
}

/** The bundle's output entry of the metafile (not its source map's). */
const output = ({ metafile }: Bundle) => Object.entries(metafile.outputs).find(([file]) => file.endsWith(extension))![1];

const BUILTINS = new Set(builtinModules);

const sdkClients = (files: Iterable<string>) =>
  [...new Set([...files].map((f) => /@aws-sdk[\\/](client-[\w-]+)/.exec(f)?.[1]).filter(Boolean))].sort();

// Loads the bundle, invokes its handler once, and reports the result and the files required
// from disk besides the bundle (none: nothing is external).
const RUNNER = `
const { handler } = require(process.argv[2]);
const context = { functionName: 'sign-upload', functionVersion: '$LATEST', awsRequestId: 'req-1', memoryLimitInMB: '512',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:sign-upload', getRemainingTimeInMillis: () => 10000 };
handler(JSON.parse(process.argv[3]), context).then((result) => {
  const required = Object.keys(require.cache).filter((k) => k !== __filename && k !== require.resolve(process.argv[2]));
  process.stdout.write('\\nRESULT ' + JSON.stringify({ result, required }) + '\\n');
});
`;

interface Run {
  code: number | null;
  stderr: string;
  result?: { statusCode: number; body: string };
  required?: string[];
}

function run(bundlePath: string, body: unknown, env: Record<string, string>): Promise<Run> {
  const event = JSON.parse(readFileSync(join(root, 'events/samples/sign-upload.json'), 'utf8')) as {
    headers: Record<string, string>;
    body: string;
  };
  event.headers['x-api-key'] = 'key-1';
  event.body = JSON.stringify(body);
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(work, 'run.cjs'), bundlePath, JSON.stringify(event)],
      {
        cwd: work,
        timeout: 30_000,
        env: {
          PATH: process.env.PATH,
          // Nothing may come from node_modules: the bundle carries the SDK.
          NODE_PATH: '',
          AWS_REGION: 'us-east-1',
          // The credentials the SSM stand-in checks signatures with.
          AWS_ACCESS_KEY_ID: SSM_TEST_CREDENTIALS.accessKeyId,
          AWS_SECRET_ACCESS_KEY: SSM_TEST_CREDENTIALS.secretAccessKey,
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          // The function's own environment, as on Lambda.
          ...fn.environment,
          POWERTOOLS_LOG_LEVEL: 'SILENT',
          ...env,
        },
      },
      (error, stdout, stderr) => {
        const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
        resolve({
          code: error ? (typeof error.code === 'number' ? error.code : 1) : 0,
          stderr,
          ...(line ? JSON.parse(line.slice(7)) : {}),
        });
      },
    );
  });
}

const plainSecrets = { API_KEYS: 'key-1', VOD_SECRET_ID: 'AKIDexample', VOD_SECRET_KEY: 'secret-key' };
let signUpload: Bundle;
let ssm: SsmServer;

beforeAll(async () => {
  writeFileSync(join(work, 'run.cjs'), RUNNER);
  [signUpload, ssm] = await Promise.all([
    bundle('sign-upload'),
    startSsmServer({
      '/vodflow/test/api-keys': 'key-1',
      '/vodflow/test/vod-secret-id': 'AKIDfromssm',
      '/vodflow/test/vod-secret-key': 'key-from-ssm',
    }),
  ]);
});

afterAll(async () => {
  await ssm.close();
  rmSync(work, { recursive: true, force: true });
});

describe('function bundles (serverless.yml esbuild settings and plugins)', () => {
  it('keep only the English zod locale', () => {
    const text = readFileSync(signUpload.path, 'utf8');
    expect(text).toContain('Invalid input: expected');
    // ASCII-only phrases, whatever the output charset.
    expect(text).not.toContain('Ongeldige invoer'); // nl
    expect(text).not.toContain('Input tidak valid'); // id
    // zod with every locale is ~450 KB minified.
    const zodBytes = Object.entries(output(signUpload).inputs)
      .filter(([file]) => /node_modules[\\/]zod[\\/]/.test(file))
      .reduce((sum, [, input]) => sum + input.bytesInOutput, 0);
    expect(zodBytes).toBeGreaterThan(10_000);
    expect(zodBytes).toBeLessThan(100_000);
  });

  it('carry the AWS SDK tree-shaken and stay within the bundle budget, every function of serverless.yml', async () => {
    const { model } = loadServerlessConfig(join(root, 'serverless.yml'), { stage: 'test' });
    const names = model.functions.map((f) => f.handlerFile.replace(/^functions\//, ''));
    expect(names.length).toBeGreaterThan(8);
    for (const name of names) {
      const b = await bundle(name);
      const out = output(b);
      // Only Node built-ins are left to require() at run time.
      expect(
        out.imports.filter((i) => !i.path.startsWith('node:') && !BUILTINS.has(i.path)).map((i) => i.path),
        name,
      ).toEqual([]);
      expect(readFileSync(b.path).length, name).toBeLessThan(BUNDLE_LIMIT_BYTES);
      // Of the SSM client, only its endpoint rules (lib/aws/ssm calls Parameter Store without it).
      expect(
        Object.keys(out.inputs)
          .filter((file) => file.includes('@aws-sdk/client-ssm/'))
          .sort(),
        name,
      ).toEqual([
        'node_modules/@aws-sdk/client-ssm/dist-es/endpoint/bdd.js',
        'node_modules/@aws-sdk/client-ssm/dist-es/endpoint/endpointResolver.js',
      ]);
    }
  });

  it('carry only the SDK clients a function uses (S3 and SSM are called without theirs)', async () => {
    const getJob = await bundle('get-job');
    const createUpload = await bundle('create-upload');
    // S3 is presigned without its client (lib/aws/s3), SSM called without its client (lib/aws/ssm,
    // which keeps the SSM client's endpoint rules only): neither client is in a bundle.
    const clients = (b: Bundle) => sdkClients(Object.keys(b.metafile.inputs).filter((f) => !f.includes('client-ssm/dist-es/endpoint/')));
    expect(clients(signUpload)).toEqual([]);
    expect(clients(getJob)).toEqual(['client-dynamodb']);
    expect(clients(createUpload)).toEqual(['client-dynamodb']);
  });

  it('keep only the zod exports the code uses (no z.fromJSONSchema, which nothing calls at runtime)', () => {
    const text = readFileSync(signUpload.path, 'utf8');
    expect(text).toContain('Invalid input: expected');
    expect(text).not.toContain('dynamicAnchor');
  });

  it("answer a bad request with zod's English message, requiring nothing from disk", async () => {
    const out = await run(signUpload.path, { validitySeconds: 'soon' }, plainSecrets);
    expect(out.stderr).toBe('');
    expect(out.result?.statusCode).toBe(400);
    expect(JSON.parse(out.result!.body)).toMatchObject({
      error: 'invalid_request',
      fields: [{ field: 'body.validitySeconds', message: 'Invalid input: expected number, received string' }],
    });
    expect(out.required).toEqual([]);
  });

  it('fail a cold start on bad configuration with the English message naming the variable', async () => {
    const out = await run(signUpload.path, {}, { ...plainSecrets, VOD_TIMEOUT_MS: '5' });
    expect(out.code).not.toBe(0);
    expect(out.stderr).toContain('VOD_TIMEOUT_MS: Too small: expected number to be >=500');
    // lib/aws/stack-traces (injected, no --enable-source-maps) maps the throwing frame to vodflow's source.
    expect(out.stderr).toMatch(/at parseConfig \(.*lib[\\/]config\.ts:\d+:\d+\)/);
    expect(out.stderr).toMatch(/at Object\.<anonymous> \(.*functions[\\/]sign-upload\.ts:\d+:\d+\)/);
  });

  it('print the same frames as Node itself when NODE_OPTIONS=--enable-source-maps is set', async () => {
    const bad = { ...plainSecrets, VOD_TIMEOUT_MS: '5' };
    const [ours, node] = await Promise.all([
      run(signUpload.path, {}, bad),
      run(signUpload.path, {}, { ...bad, NODE_OPTIONS: '--enable-source-maps' }),
    ]);
    const frames = (stderr: string) => stderr.split('\n').filter((l) => /^ {4}at .*(lib|functions)[\\/]/.test(l));
    expect(frames(ours.stderr).length).toBeGreaterThanOrEqual(3);
    expect(frames(ours.stderr)).toEqual(frames(node.stderr));
  });

  /** A handler-shaped entry built with the same settings (the stack-traces module injected). */
  const buildEntry = async (name: string, lines: string[]): Promise<string> => {
    const entry = join(work, `${name}.ts`);
    writeFileSync(entry, lines.join('\n'));
    const outfile = join(work, name, `${name}${extension}`);
    // The entry lives in a temp dir: packages (zod) resolve from the repo's node_modules.
    await build({ ...options, entryPoints: [entry], outfile, nodePaths: [join(root, 'node_modules')] });
    return outfile;
  };
  /** What a built entry prints, with NODE_OPTIONS set to `nodeOptions`. */
  const stdoutOf = (outfile: string, nodeOptions = '') =>
    new Promise<string>((resolve, reject) =>
      execFile(process.execPath, [outfile], { env: { PATH: process.env.PATH, NODE_OPTIONS: nodeOptions } }, (error, stdout) =>
        error ? reject(error) : resolve(stdout),
      ),
    );

  it('print awaited callers and constructor calls as Node does (async …, new …)', async () => {
    // Errors that come through awaits and a constructor, printed with and without Node's own mapping.
    const lines = [
      "class Job { constructor() { throw new Error('in a constructor'); } }",
      "async function claim() { await new Promise((r) => setTimeout(r, 1)); throw new Error('after an await'); }",
      'async function step() { await claim(); }',
      'async function main() {',
      '  for (const fail of [() => step(), async () => new Job(), () => Promise.all([step()])]) {',
      '    try { await fail(); } catch (error) { console.log((error as Error).stack); }',
      '  }',
      '}',
      'void main();',
    ];
    const outfile = await buildEntry('frames', lines);
    const [ours, node] = await Promise.all([stdoutOf(outfile), stdoutOf(outfile, '--enable-source-maps')]);
    expect(ours).toMatch(/ at async \S+ \(.*frames\.ts:3:\d+\)/);
    expect(ours).toMatch(/ at new \S+ \(.*frames\.ts:1:\d+\)/);
    expect(ours).toBe(node);
  });

  it("leave a frame inside a library at the bundle's position, not at the vodflow line before it", async () => {
    // zod calls back into vodflow's transform: the stack has vodflow frames around zod's own.
    const outfile = await buildEntry('library-frames', [
      "import * as z from 'zod';",
      "const refuse = z.string().transform((): string => { throw new Error('refused in a transform'); });",
      'function parseInput() { return refuse.parse("x"); }',
      'try { parseInput(); } catch (error) { console.log((error as Error).stack); }',
    ]);
    const stack = await stdoutOf(outfile);
    const frames = stack.split('\n').filter((l) => l.startsWith('    at '));
    expect(frames[0]).toMatch(/library-frames\.ts:2:\d+\)$/); // the transform, vodflow's
    expect(frames.some((l) => /library-frames\.ts:3:\d+\)$/.test(l))).toBe(true); // parseInput
    // zod's frames in between keep the bundle's position; none is pinned to a vodflow line.
    const between = frames.slice(
      1,
      frames.findIndex((l) => /library-frames\.ts:3:/.test(l)),
    );
    expect(between.length).toBeGreaterThan(0);
    for (const frame of between) expect(frame).toMatch(/library-frames\.cjs:\d+:\d+\)$/);
  });

  it("map only vodflow's own sources (the whole map is parsed on the first formatted stack)", () => {
    const map = JSON.parse(readFileSync(`${signUpload.path}.map`, 'utf8')) as { sources: string[]; mappings: string };
    expect(map.sources.filter((s) => /node_modules/.test(s))).toEqual([]);
    expect(map.sources.some((s) => /lib\/config\.ts$/.test(s))).toBe(true);
    expect(map.mappings.length).toBeGreaterThan(1000);
    // The libraries are in the bundle all the same.
    expect(Object.keys(output(signUpload).inputs).filter((f) => f.includes('node_modules/')).length).toBeGreaterThan(50);
  });

  it('read the secrets from Parameter Store, signed and sent from inside the bundle', async () => {
    const out = await run(signUpload.path, { validitySeconds: 600 }, { AWS_ENDPOINT_URL_SSM: ssm.endpoint });
    expect(out.stderr).toBe('');
    expect(out.result?.statusCode).toBe(201);
    expect(JSON.parse(out.result!.body)).toMatchObject({ signature: expect.any(String), oneTimeValid: true });
    expect(out.required).toEqual([]);
    expect([...ssm.requests].sort()).toEqual(['/vodflow/test/api-keys', '/vodflow/test/vod-secret-id', '/vodflow/test/vod-secret-key']);
    expect(ssm.badSignatures).toBe(0);
  });
});
