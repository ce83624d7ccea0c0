// Cold start + first invocation of sign-upload, for the bundle that ships and for its build with
// the runtime's SDK. sign-upload's first call needs nothing but its secrets, read from Parameter
// Store (lib/aws/ssm, the SDK's signer and HTTP handler; no SSM client), so init + first call
// compares the two variants on the same work, the first SDK request included.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SSM_TEST_CREDENTIALS, startSsmServer } from '../test/lib/aws/ssm-server';
import { median } from './measure';
import { REPO_ROOT } from './proc';

const run = promisify(execFile);

export interface FirstCall {
  shippedMs: number;
  runtimeMs: number;
  /** Median of each round's shipped − runtime difference (negative: the shipped bundle is faster). */
  pairedMs: number;
}

// Loads the bundle, answers one POST /upload-signatures (201 expected) and exits.
const script = (bundle: string) => `
const { handler } = require(${JSON.stringify(bundle)});
const context = { functionName: 'sign-upload', awsRequestId: 'bench', getRemainingTimeInMillis: () => 10000 };
handler(JSON.parse(process.env.BENCH_EVENT), context).then((r) => {
  if (r.statusCode !== 201) { console.error(JSON.stringify(r)); process.exitCode = 1; }
});`;

async function wallMs(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<number> {
  const start = performance.now();
  await run(process.execPath, args, { env, cwd, timeout: 30_000 });
  return performance.now() - start;
}

/** Median wall of require + first call minus an empty `node -e ''`, interleaved over `rounds`. */
export async function signUploadFirstCall(
  bundles: { shipped: string; runtime: string },
  environment: Record<string, string>,
  runtimeSdkPath: string,
  rounds: number,
): Promise<FirstCall> {
  const names = ['API_KEYS_PARAM', 'VOD_SECRET_ID_PARAM', 'VOD_SECRET_KEY_PARAM'].map((k) => environment[k]!);
  const ssm = await startSsmServer(Object.fromEntries(names.map((n, i) => [n, ['bench-key', 'AKIDbench', 'bench-secret'][i]!])));
  try {
    const event = JSON.parse(readFileSync(join(REPO_ROOT, 'events/samples/sign-upload.json'), 'utf8')) as {
      headers: Record<string, string>;
    };
    event.headers['x-api-key'] = 'bench-key';
    const env = {
      PATH: process.env.PATH,
      AWS_REGION: 'us-east-1',
      // The stand-in checks signatures with these.
      AWS_ACCESS_KEY_ID: SSM_TEST_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: SSM_TEST_CREDENTIALS.secretAccessKey,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...environment,
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      AWS_ENDPOINT_URL_SSM: ssm.endpoint,
      BENCH_EVENT: JSON.stringify(event),
      NODE_PATH: '',
    };
    const runtimeEnv = { ...env, NODE_PATH: runtimeSdkPath };
    const contenders: Array<[number[], () => Promise<number>]> = [
      [[], () => wallMs(['-e', ''], env, REPO_ROOT)],
      [[], () => wallMs(['-e', script(bundles.shipped)], env, REPO_ROOT)],
      [[], () => wallMs(['-e', script(bundles.runtime)], runtimeEnv, REPO_ROOT)],
    ];
    for (const [, measure] of contenders) await measure(); // warm-up; throws if a call fails
    for (let r = 0; r < rounds; r++)
      for (let i = 0; i < contenders.length; i++) {
        const [xs, measure] = contenders[(i + r) % contenders.length]!;
        xs.push(await measure());
      }
    const [empty, shipped, runtime] = contenders.map(([xs]) => median(xs));
    const paired = contenders[1]![0].map((ms, r) => ms - contenders[2]![0][r]!);
    return { shippedMs: shipped! - empty!, runtimeMs: runtime! - empty!, pairedMs: median(paired) };
  } finally {
    await ssm.close();
  }
}
