// The function bundles as serverless.yml builds them (custom.esbuild, its plugins file included),
// run in a plain `node` the way Lambda runs them: the external @aws-sdk/* resolved through
// NODE_PATH. Proves that cutting zod's locales keeps its English messages, and that a function
// loads only the SDK clients it uses (SSM on the first secret read from Parameter Store).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadServerlessConfig } from '../../local';
import { startSsmServer, type SsmServer } from '../lib/aws/ssm-server';

const root = fileURLToPath(new URL('../../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'vodflow-esbuild-'));

interface EsbuildSettings {
  bundle: boolean;
  minify: boolean;
  sourcemap: boolean;
  target: string;
  platform: 'node';
  format: 'cjs';
  supported?: Record<string, boolean>;
  charset?: 'utf8' | 'ascii';
  exclude: string[];
  outputFileExtension: string;
  plugins: string;
}
const settings = (parse(readFileSync(join(root, 'serverless.yml'), 'utf8')) as { custom: { esbuild: EsbuildSettings } }).custom.esbuild;
const fn = loadServerlessConfig(join(root, 'serverless.yml'), { stage: 'test' }).model.functions.find((f) => f.key === 'sign-upload')!;

/** Builds functions/<name>.ts with serverless.yml's esbuild settings; returns the bundle's path. */
async function bundle(name: string): Promise<string> {
  const plugins = createRequire(import.meta.url)(join(root, settings.plugins)) as Plugin[];
  await build({
    absWorkingDir: root,
    entryPoints: [`functions/${name}.ts`],
    outdir: join(work, 'functions'),
    outExtension: { '.js': settings.outputFileExtension },
    bundle: settings.bundle,
    minify: settings.minify,
    sourcemap: settings.sourcemap,
    target: settings.target,
    platform: settings.platform,
    format: settings.format,
    supported: settings.supported,
    charset: settings.charset,
    external: settings.exclude,
    plugins,
    logLevel: 'silent',
  });
  return join(work, 'functions', `${name}${settings.outputFileExtension}`);
}

// Loads the bundle, invokes its handler once, and reports the result and the SDK clients loaded.
const RUNNER = `
const { handler } = require(process.argv[2]);
const context = { functionName: 'sign-upload', functionVersion: '$LATEST', awsRequestId: 'req-1', memoryLimitInMB: '512',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:sign-upload', getRemainingTimeInMillis: () => 10000 };
handler(JSON.parse(process.argv[3]), context).then((result) => {
  const sdk = [...new Set(Object.keys(require.cache).map((k) => /@aws-sdk[\\\\/](client-[\\w-]+)/.exec(k)?.[1]).filter(Boolean))].sort();
  process.stdout.write('\\nRESULT ' + JSON.stringify({ result, sdk }) + '\\n');
});
`;

interface Run {
  code: number | null;
  stderr: string;
  result?: { statusCode: number; body: string };
  sdk?: string[];
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
          NODE_PATH: join(root, 'node_modules'),
          AWS_REGION: 'us-east-1',
          AWS_ACCESS_KEY_ID: 'test',
          AWS_SECRET_ACCESS_KEY: 'test',
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          ...fn.environment,
          NODE_OPTIONS: '',
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
let signUpload: string;
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
    const text = readFileSync(signUpload, 'utf8');
    expect(text).toContain('Invalid input: expected');
    // ASCII-only phrases, whatever the output charset.
    expect(text).not.toContain('Ongeldige invoer'); // nl
    expect(text).not.toContain('Input tidak valid'); // id
    expect(text.length).toBeLessThan(250_000);
  });

  it('stay under 250 KB each, every function of serverless.yml (both VOD providers are in each)', async () => {
    const { model } = loadServerlessConfig(join(root, 'serverless.yml'), { stage: 'test' });
    const names = model.functions.map((f) => f.handlerFile.replace(/^functions\//, ''));
    expect(names.length).toBeGreaterThan(8);
    for (const name of names) {
      const size = readFileSync(await bundle(name)).length;
      expect(size, name).toBeLessThan(250_000);
    }
  });

  it('keep only the zod exports the code uses (no z.fromJSONSchema, which nothing calls at runtime)', () => {
    const text = readFileSync(signUpload, 'utf8');
    expect(text).toContain('Invalid input: expected');
    expect(text).not.toContain('dynamicAnchor');
  });

  it("answer a bad request with zod's English message, loading no AWS SDK client", async () => {
    const out = await run(signUpload, { validitySeconds: 'soon' }, plainSecrets);
    expect(out.stderr).toBe('');
    expect(out.result?.statusCode).toBe(400);
    expect(JSON.parse(out.result!.body)).toMatchObject({
      error: 'invalid_request',
      fields: [{ field: 'body.validitySeconds', message: 'Invalid input: expected number, received string' }],
    });
    expect(out.sdk).toEqual([]);
  });

  it('fail a cold start on bad configuration with the English message naming the variable', async () => {
    const out = await run(signUpload, {}, { ...plainSecrets, VOD_TIMEOUT_MS: '5' });
    expect(out.code).not.toBe(0);
    expect(out.stderr).toContain('VOD_TIMEOUT_MS: Too small: expected number to be >=500');
  });

  it('load @aws-sdk/client-ssm on the first secret read from Parameter Store (require through NODE_PATH)', async () => {
    const out = await run(signUpload, { validitySeconds: 600 }, { AWS_ENDPOINT_URL_SSM: ssm.endpoint });
    expect(out.stderr).toBe('');
    expect(out.result?.statusCode).toBe(201);
    expect(JSON.parse(out.result!.body)).toMatchObject({ signature: expect.any(String), oneTimeValid: true });
    expect(out.sdk).toEqual(['client-ssm']);
    expect([...ssm.requests].sort()).toEqual(['/vodflow/test/api-keys', '/vodflow/test/vod-secret-id', '/vodflow/test/vod-secret-key']);
  });
});
