// `vodflow api ACTION [name=value …]`: one signed VOD API v2 call, the response JSON on stdout.
// A single attempt unless --retry: a silent retry of a non-idempotent action (CreateClass,
// ProcessFile, MultiPullVodFile…) after a timeout could run it twice.
import { readFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import {
  createVodClient,
  DEFAULT_ENDPOINT,
  DEFAULT_RETRY,
  DEFAULT_UPLOAD_ENDPOINT,
  UPLOAD_HOST_ACTIONS,
  VodApiError,
  VodResponseError,
  VodTransportError,
} from '../../lib/vod/client';
import type { HttpMethod, SignatureMethod } from '../../lib/vod/signer';

export interface ApiIO {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Record<string, string | undefined>;
  setExitCode(code: number): void;
}

const processIO: ApiIO = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  env: process.env,
  setExitCode: (code) => {
    process.exitCode = code;
  },
};

export interface ApiCommandOptions {
  method?: HttpMethod;
  signatureMethod?: SignatureMethod;
  endpoint?: string;
  region?: string;
  body?: string;
  timeout?: string;
  retry?: boolean | string;
}

/** Common parameters the command sets itself; passing them as pairs would be silently overridden. */
const COMMON_PARAMS = new Set(['Action', 'Region', 'Timestamp', 'Nonce', 'SecretId', 'Signature', 'SignatureMethod', 'Token']);

class UsageError extends Error {}

function parsePairs(pairs: readonly string[]): Record<string, string> {
  // Null prototype: `constructor=1` is a parameter like any other, not "given twice".
  const params: Record<string, string> = Object.create(null);
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`expected name=value, got ${JSON.stringify(pair)}`);
    const name = pair.slice(0, eq);
    if (COMMON_PARAMS.has(name)) throw new UsageError(`${name} is set by vodflow api itself (see --region, --signature-method)`);
    if (Object.hasOwn(params, name)) throw new UsageError(`${name} given twice`);
    params[name] = pair.slice(eq + 1);
  }
  return params;
}

function checkEndpoint(value: string, source: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    // reported below
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new UsageError(`${source} is not an http(s) URL: ${JSON.stringify(value)}`);
  }
  return value;
}

function attemptsOf(retry: ApiCommandOptions['retry']): number {
  if (retry === undefined || retry === false) return 1;
  if (retry === true) return DEFAULT_RETRY.maxAttempts;
  const n = Number(retry);
  if (!Number.isInteger(n) || n < 1 || n > 20) throw new UsageError(`--retry takes a number of attempts in 1..20, got ${retry}`);
  return n;
}

const readBody = (path: string): Promise<Buffer> =>
  readFile(path).catch(() => {
    throw new UsageError(`cannot read the --body file ${path}`);
  });

const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();

/** The command's core; returns the exit status (0 iff the response code is 0). */
export async function runApi(action: string, pairs: readonly string[], options: ApiCommandOptions, io: ApiIO = processIO): Promise<number> {
  try {
    const params = parsePairs(pairs);
    const { VOD_SECRET_ID: secretId, VOD_SECRET_KEY: secretKey } = io.env;
    const missing = [!secretId && 'VOD_SECRET_ID', !secretKey && 'VOD_SECRET_KEY'].filter(Boolean);
    if (!secretId || !secretKey) throw new UsageError(`set ${missing.join(' and ')} (the API key pair) in the environment`);
    const upload = UPLOAD_HOST_ACTIONS.has(action);
    const envName = upload ? 'VOD_UPLOAD_ENDPOINT' : 'VOD_ENDPOINT';
    const endpoint = options.endpoint
      ? checkEndpoint(options.endpoint, '--endpoint')
      : checkEndpoint(io.env[envName] || (upload ? DEFAULT_UPLOAD_ENDPOINT : DEFAULT_ENDPOINT), envName);
    const timeoutMs = options.timeout === undefined ? undefined : Number(options.timeout);
    if (timeoutMs !== undefined && !(Number.isInteger(timeoutMs) && timeoutMs > 0)) {
      throw new UsageError(`--timeout takes milliseconds, got ${options.timeout}`);
    }
    const body = options.body === undefined ? undefined : await readBody(options.body);

    const client = createVodClient({
      secretId,
      secretKey,
      endpoint: upload ? undefined : endpoint,
      uploadEndpoint: upload ? endpoint : undefined,
      region: options.region ?? (io.env.VOD_REGION || 'gz'),
      method: options.method,
      signatureMethod: options.signatureMethod,
      timeoutMs,
      retry: { maxAttempts: attemptsOf(options.retry) },
    });
    const { envelope, body: response } = await client.call(action, params, { body });
    io.stdout(`${JSON.stringify(response, null, 2)}\n`);
    return envelope.code === 0 ? 0 : 1;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`vodflow api: ${error.message}\n`);
      return 2;
    }
    if (error instanceof VodApiError) {
      io.stdout(`${JSON.stringify(error.response, null, 2)}\n`);
      const c = error.classification;
      io.stderr(`vodflow api: ${oneLine(error.message)} (retryable: ${c.retryable ? 'yes' : 'no'}) — ${oneLine(c.action)}\n`);
      return 1;
    }
    if (error instanceof VodResponseError) {
      const snippet = error.details.bodySnippet ? `: ${oneLine(error.details.bodySnippet).slice(0, 80)}` : '';
      io.stderr(`vodflow api: ${oneLine(error.message)}${snippet}\n`);
      return 1;
    }
    if (error instanceof VodTransportError) {
      io.stderr(`vodflow api: cannot get an answer: ${oneLine(error.message)}\n`);
      return 1;
    }
    io.stderr(`vodflow api: ${oneLine(error instanceof Error ? error.message : String(error))}\n`);
    return 1;
  }
}

const HELP = `
Examples:
  $ export VOD_SECRET_ID=AKID… VOD_SECRET_KEY=…
  $ vodflow api DescribeClass
  $ vodflow api GetVideoInfo fileId=24961954183381008 infoFilter.0=basicInfo --method GET
  $ vodflow api ProcessFile fileId=24961954183381008 transcode.definition.0=20 notifyMode=Finish
  $ vodflow api DescribeClass --endpoint http://127.0.0.1:9010/v2/index.php   # the local emulator

Parameters are sent as given, flat (arrays as name.N, objects as parent.child).
Environment: VOD_SECRET_ID and VOD_SECRET_KEY (required), VOD_ENDPOINT (default
${DEFAULT_ENDPOINT}), VOD_UPLOAD_ENDPOINT for InitUpload/UploadPart/FinishUpload
(default ${DEFAULT_UPLOAD_ENDPOINT}), VOD_REGION (default gz).
Exit status: 0 when the response code is 0; 1 when the code is not 0 or no valid answer came;
2 on a usage or configuration error.`;

export function register(program: Command, io: ApiIO = processIO): void {
  program
    .command('api')
    .description('make one signed VOD API v2 call and print the response JSON')
    .argument('<action>', 'API action, e.g. DescribeClass, GetVideoInfo, ProcessFile')
    .argument('[params...]', 'name=value pairs, e.g. fileId=123 infoFilter.0=basicInfo')
    .addOption(new Option('--method <method>', 'HTTP method of the general API (default POST)').choices(['GET', 'POST']))
    .addOption(new Option('--signature-method <algorithm>', 'signature algorithm (default HmacSHA1)').choices(['HmacSHA1', 'HmacSHA256']))
    .option('--endpoint <url>', 'API URL (default $VOD_ENDPOINT, or $VOD_UPLOAD_ENDPOINT for data-upload actions)')
    .option('--region <region>', 'Region parameter (default $VOD_REGION or gz)')
    .option('--body <file>', 'data-upload actions: file sent as the application/octet-stream body (an UploadPart chunk)')
    .option('--timeout <ms>', 'per-attempt timeout in milliseconds (default 15000)')
    .option(
      '--retry [attempts]',
      `retry network errors, HTTP 5xx and retryable codes (default attempts ${DEFAULT_RETRY.maxAttempts}); off by default`,
    )
    .addHelpText('after', HELP)
    .action(async (action: string, params: string[], options: ApiCommandOptions) => {
      io.setExitCode(await runApi(action, params, options, io));
    });
}
