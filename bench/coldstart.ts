// Cold start: `serverless package` (serverless-esbuild: bundled, minified CommonJS, the AWS SDK
// inside and tree-shaken, as it ships), then per function: bundle size, and the time to load the
// bundle in a fresh `node` minus an empty `node -e ''`, spawned interleaved, in the function's
// own environment (NODE_OPTIONS too, if it sets one). The same entry is also built with the same settings but
// @aws-sdk/* and @smithy/* external (the nodejs22.x runtime's SDK, loaded through NODE_PATH) and timed in the
// same rounds, to show that the variant that ships is the faster one.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { build, type Plugin } from 'esbuild';
import { BUNDLE_LIMIT_BYTES } from '../build/bundle-sizes';
import { functionBuild } from '../build/esbuild-options';
import { loadServerlessConfig } from '../local';
import { renderValue, type FunctionSpec } from '../local/serverless/model';
import { firstStackMs, initBounds } from './coldstart-bounds';
import { signUploadFirstCall } from './coldstart-first-call';
import { median, round, type Figure, type Section } from './measure';
import { REPO_ROOT } from './proc';

const IMPORT_LIMIT_MS = 100;
const PARSED_ONLY =
  'the SSM client behind a dynamic import, never called (what lib/aws/ssm replaced: parsed only, what it added to each init)';
const SDK_CLIENTS = 'DynamoDB document client + SQS client (SDK bundled)';
const WITH_S3 = 'the same + S3 presigning as shipped (lib/aws/s3: the SDK presigner, no S3 client; initiate-upload, create-upload)';
const WITH_S3_CLIENT = 'the same + the S3 client and getSignedUrl (what lib/aws/s3 replaced)';
const WITH_SSM = 'the DynamoDB + SQS clients + Parameter Store as shipped (lib/aws/ssm: the SDK signer, no SSM client; every function)';
const WITH_SSM_CLIENT =
  'the DynamoDB + SQS clients + zod + the SSM client behind a dynamic import, never called (what every function carried before lib/aws/ssm)';
// What every function that chains jobs loads before any code of its own, loaded as an init loads
// it: the SDK clients imported, built on first use (lib/aws/clients), zod with lib/aws/ssm's schema.
const FLOOR =
  'floor: the DynamoDB document client, the SQS client and the Parameter Store signer, with zod, loaded as an init loads them (clients built on first use)';
/** Which functions their own code puts over the goal, on top of the floor. */
const overByOwn = (own: ReadonlyArray<{ key: string; ms: number }>, floorMs: number): string => {
  const over = own.filter((o) => floorMs + o.ms > IMPORT_LIMIT_MS);
  return over.length ? `, so what puts a function over is its own code: ${over.map((o) => `${o.key} ${round(o.ms)} ms`).join(', ')}` : '';
};
/** A bundle that loads the floor: the DynamoDB and SQS clients are inside (their protocols' target prefixes). */
const loadsFloor = (bundlePath: string): boolean => {
  const text = readFileSync(bundlePath, 'utf8');
  return text.includes('DynamoDB_20120810') && text.includes('AmazonSQS');
};
const budget = `≤ ${round(BUNDLE_LIMIT_BYTES / 1000)} KB`;
const PLAIN_SECRETS = {
  VOD_SECRET_ID: 'bench-secret-id',
  VOD_SECRET_KEY: 'bench-secret-key',
  CALLBACK_TOKEN: 'bench-callback-token',
  API_KEYS: 'bench-api-key',
  EVENT_SIGNING_SECRET: 'bench-signing-secret',
};

/** A function's environment as plain strings (values naming a queue URL or an unresolved reference are left out). */
function plainEnvironment(fn: FunctionSpec): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, parts] of Object.entries(fn.environment)) {
    if (parts.every((p) => typeof p === 'string')) env[name] = renderValue(parts, {}, name);
  }
  return env;
}

interface Spawn {
  /** Wall time of the whole `node` process. */
  wallMs: number;
  /** CPU time (user + system) the process used: grows far less than wall time on a busy machine. */
  cpuMs: number;
}

/** `node -e <script>`, reporting its CPU time on exit (printed after the script ran). */
function spawnNode(script: string, env: NodeJS.ProcessEnv, cwd: string): Spawn {
  const cpu = ';{const u=process.resourceUsage();process.stdout.write("\\ncpu "+(u.userCPUTime+u.systemCPUTime))}';
  const start = performance.now();
  const r = spawnSync(process.execPath, ['-e', script + cpu], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  const wallMs = performance.now() - start;
  if (r.status !== 0) throw new Error(`node -e ${script} failed: ${r.stderr.slice(0, 500)}`);
  return { wallMs, cpuMs: Number(/cpu (\d+)$/.exec(r.stdout)?.[1]) / 1000 };
}

/** One function's bundles and its spawns: an empty node, the shipped bundle, the runtime's-SDK build. */
interface Measured<F> {
  fn: F;
  bundle: string;
  size: number;
  runtimeSize: number;
  bundlePath: string;
  runtimePath: string;
  env: NodeJS.ProcessEnv;
  empty: Spawn[];
  loaded: Spawn[];
  loadedRuntime: Spawn[];
  /** One spawn of each kind, in the order a round starts them (rotated every round). */
  spawns: Array<() => number>;
}

/** Median wall and CPU time of the spawns minus those of the empty ones. */
function initOf(loaded: Spawn[], empty: Spawn[]): Spawn {
  const of = (xs: Spawn[], key: keyof Spawn) => median(xs.map((x) => x[key]));
  return { wallMs: of(loaded, 'wallMs') - of(empty, 'wallMs'), cpuMs: of(loaded, 'cpuMs') - of(empty, 'cpuMs') };
}

const bundleSsmEndpointRules: Plugin = {
  name: 'bundle-ssm-endpoint-rules',
  setup(b) {
    b.onResolve({ filter: /^@aws-sdk\/client-ssm\/dist-es\// }, (args) => ({
      path: createRequire(join(REPO_ROOT, 'package.json')).resolve(`${args.path}.js`),
    }));
  },
};

/**
 * An entry built with serverless.yml's custom.esbuild settings (build/esbuild-options): `bundled`
 * as it ships, `runtime` with @aws-sdk/* and @smithy/* external (resolved through NODE_PATH to the SDK's
 * CommonJS builds, as on Lambda from the runtime's SDK). Returns the size.
 */
async function esbuildEntry(entry: string, outfile: string, sdk: 'runtime' | 'bundled'): Promise<number> {
  const { options } = functionBuild();
  await build({
    ...options,
    // The runtime's SDK is @aws-sdk/* with the @smithy/* packages it is built on.
    ...(sdk === 'runtime'
      ? {
          external: [...(options.external ?? []), '@aws-sdk/*', '@smithy/*'],
          // lib/aws/ssm's endpoint rules are an ES module of the SSM client's, which require() cannot
          // load from node_modules: a build against the runtime's SDK would bundle them (2 KB).
          plugins: [...(options.plugins ?? []), bundleSsmEndpointRules],
        }
      : {}),
    entryPoints: [entry],
    outfile,
    outExtension: undefined,
    // Entries may be files in a temp dir: packages still come from the repo.
    nodePaths: [join(REPO_ROOT, 'node_modules')],
  });
  return statSync(outfile).size;
}

export async function benchColdStart(quick: boolean): Promise<Section> {
  const work = mkdtempSync(join(tmpdir(), 'vodflow-bench-package-'));
  try {
    const pkgStart = performance.now();
    const sls = spawnSync(
      process.execPath,
      [join(REPO_ROOT, 'node_modules/serverless/bin/serverless.js'), 'package', '--stage', 'bench', '--package', join(work, 'pkg')],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' },
        encoding: 'utf8',
        timeout: 300_000,
      },
    );
    const packageS = (performance.now() - pkgStart) / 1000;
    if (sls.status !== 0) throw new Error(`serverless package failed (${sls.status}): ${(sls.stderr || sls.stdout).slice(-1500)}`);
    const { model } = loadServerlessConfig(join(REPO_ROOT, 'serverless.yml'), { stage: 'bench' });
    const rounds = quick ? 3 : 15;
    // The shipped bundles need nothing from node_modules; the runtime-SDK variant resolves
    // @aws-sdk/* from the repo's, as Lambda would from the runtime's.
    const baseEnv = {
      PATH: process.env.PATH,
      AWS_REGION: 'us-east-1',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
    const runtimeSdkPath = join(REPO_ROOT, 'node_modules');
    const figures: Figure[] = [];
    const rows: string[] = [];
    const inits: Array<{ key: string; bundled: number; entry: string; bundlePath: string; env: NodeJS.ProcessEnv; readsRecords: boolean }> =
      [];
    let worstSize = 0;
    let worstShipped = 0;
    let shippedFaster = 0;
    let shippedLessCpu = 0;
    const moreCpu: string[] = [];
    const functions = quick ? model.functions.slice(0, 2) : model.functions;
    const measured: Array<Measured<(typeof functions)[number]>> = [];
    for (const fn of functions) {
      const dir = join(work, fn.key);
      const unzip = spawnSync('unzip', ['-q', '-o', join(work, 'pkg', `${fn.key}.zip`), '-d', dir]);
      if (unzip.status !== 0) throw new Error(`unzip ${fn.key}.zip failed: ${unzip.stderr}`);
      const bundle = readdirSync(join(dir, 'functions')).find((f) => f.endsWith('.cjs') || f.endsWith('.js'));
      if (!bundle) throw new Error(`no bundle in ${fn.key}.zip`);
      const bundlePath = join(dir, 'functions', bundle);
      const size = statSync(bundlePath).size;
      // The function's environment as deployed (no NODE_OPTIONS: stack traces are mapped on the
      // first formatted stack by lib/aws/stack-traces, so the source map is not read at load).
      const env = { ...baseEnv, ...plainEnvironment(fn), NODE_PATH: '' };
      const runtimePath = join(work, 'runtime-sdk', fn.key, `${fn.key}.cjs`);
      mkdirSync(join(work, 'runtime-sdk', fn.key), { recursive: true });
      const runtimeSize = await esbuildEntry(join(REPO_ROOT, `${fn.handlerFile}.ts`), runtimePath, 'runtime');
      const runtimeEnv = { ...env, NODE_PATH: runtimeSdkPath };
      const load = `require(${JSON.stringify(bundlePath)})`;
      const loadRuntime = `require(${JSON.stringify(runtimePath)})`;
      spawnNode(load, env, dir); // first spawns warm the page cache
      spawnNode(loadRuntime, runtimeEnv, dir);
      const m: Measured<typeof fn> = {
        fn,
        bundle,
        size,
        runtimeSize,
        bundlePath,
        runtimePath,
        env,
        empty: [],
        loaded: [],
        loadedRuntime: [],
        spawns: [],
      };
      m.spawns = [
        () => m.empty.push(spawnNode('', env, dir)),
        () => m.loaded.push(spawnNode(load, env, dir)),
        () => m.loadedRuntime.push(spawnNode(loadRuntime, runtimeEnv, dir)),
      ];
      measured.push(m);
    }
    // Round by round over every function (not function by function), so that a slow spell of a
    // shared machine spreads over all of them instead of sinking the one measured at that moment.
    for (let r = 0; r < rounds; r++) {
      for (const { spawns } of measured) for (let i = 0; i < spawns.length; i++) spawns[(i + r) % spawns.length]!();
    }
    for (const { fn, bundle, size, runtimeSize, bundlePath, runtimePath, env, empty, loaded, loadedRuntime } of measured) {
      const shipped = initOf(loaded, empty);
      const alternative = initOf(loadedRuntime, empty);
      const bundledMs = shipped.wallMs;
      const runtimeMs = alternative.wallMs;
      // sign-upload's first call needs only its secrets, read through lib/aws/ssm (the SDK's signer
      // and HTTP handler): init + that call compares the variants on the same work, the first
      // request included, which init alone leaves out.
      const firstCall =
        fn.key === 'sign-upload'
          ? await signUploadFirstCall({ shipped: bundlePath, runtime: runtimePath }, plainEnvironment(fn), runtimeSdkPath, rounds)
          : undefined;
      const shippedCost = firstCall?.shippedMs ?? bundledMs;
      const runtimeCost = firstCall?.runtimeMs ?? runtimeMs;
      // Which is faster: the median of each round's difference (the two spawns of a round share
      // the machine's state), steadier on a busy machine than the difference of two medians.
      const shippedAhead = firstCall?.pairedMs ?? median(loaded.map((x, r) => x.wallMs - loadedRuntime[r]!.wallMs));
      inits.push({
        key: fn.key,
        bundled: bundledMs,
        entry: join(REPO_ROOT, `${fn.handlerFile}.ts`),
        bundlePath,
        env,
        readsRecords: fn.sqs.length > 0,
      });
      worstSize = Math.max(worstSize, size);
      worstShipped = Math.max(worstShipped, bundledMs);
      if (shippedAhead <= 0) shippedFaster++;
      if (shipped.cpuMs <= alternative.cpuMs) shippedLessCpu++;
      else moreCpu.push(fn.key);
      figures.push(
        { name: `${fn.key}: bundle (SDK inside)`, value: round(size / 1000), unit: 'KB', goal: budget, met: size <= BUNDLE_LIMIT_BYTES },
        {
          name: `${fn.key}: init, SDK bundled + tree-shaken (ships)`,
          value: round(bundledMs),
          unit: 'ms',
          goal: `≤ ${IMPORT_LIMIT_MS} ms`,
          met: bundledMs <= IMPORT_LIMIT_MS,
          note: `CPU ${round(shipped.cpuMs)} ms`,
        },
        {
          name: `${fn.key}: init, runtime's SDK`,
          value: round(runtimeMs),
          unit: 'ms',
          note: `CPU ${round(alternative.cpuMs)} ms; ${round(runtimeSize / 1000)} KB`,
        },
        ...(firstCall
          ? [
              { name: `${fn.key}: init + first call (secrets from SSM), ships`, value: round(firstCall.shippedMs), unit: 'ms' },
              { name: `${fn.key}: init + first call (secrets from SSM), runtime's SDK`, value: round(firstCall.runtimeMs), unit: 'ms' },
            ]
          : []),
        {
          name: `${fn.key}: ${firstCall ? 'init + first call' : 'init'}, the faster`,
          value: round(shippedAhead <= 0 ? shippedCost : runtimeCost),
          unit: 'ms',
          goal: 'the variant that ships',
          met: shippedAhead <= 0,
          note: `${shippedAhead <= 0 ? 'SDK bundled (ships)' : "runtime's SDK (does not ship)"}, by ${round(Math.abs(shippedAhead), 2)} ms a round`,
        },
      );
      rows.push(
        `${fn.key}: ${bundle} ${size} B (SDK inside), with the runtime's SDK ${runtimeSize} B; node+require ${round(median(loaded.map((x) => x.wallMs)))} ms (runtime's SDK ${round(median(loadedRuntime.map((x) => x.wallMs)))} ms), empty node ${round(median(empty.map((x) => x.wallMs)))} ms`,
      );
    }
    // What an init is made of: each part bundled alone (serverless.yml's settings) and timed the same way.
    const sdkClients =
      "import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'; import { DynamoDBClient } from '@aws-sdk/client-dynamodb'; import { SQSClient } from '@aws-sdk/client-sqs'; DynamoDBDocumentClient.from(new DynamoDBClient({})); new SQSClient({});";
    // initiate-upload and create-upload also presign S3 GETs and PUTs (and push mode GETs the object).
    const withS3 = `${sdkClients} import * as s3 from ${JSON.stringify(join(REPO_ROOT, 'lib/aws/s3.ts'))}; (globalThis as { s3?: unknown }).s3 = s3;`;
    const withS3Client = `${sdkClients} import { S3Client, GetObjectCommand } from '@aws-sdk/client-s3'; import { getSignedUrl } from '@aws-sdk/s3-request-presigner'; (globalThis as { s3?: unknown }).s3 = [new S3Client({}), GetObjectCommand, getSignedUrl];`;
    // What lib/aws/secrets loaded before lib/aws/ssm: the SSM client's two pieces, on the first read.
    const ssmSdkFile = join(work, 'ssm-sdk.mts');
    writeFileSync(ssmSdkFile, "export { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';");
    const ssmSdk = JSON.stringify(ssmSdkFile);
    const withSsm = `${sdkClients} import { ssm } from ${JSON.stringify(join(REPO_ROOT, 'lib/aws/ssm.ts'))}; (globalThis as { ssm?: unknown }).ssm = ssm;`;
    const floorSource = `import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'; import { DynamoDBClient } from '@aws-sdk/client-dynamodb'; import { SQSClient } from '@aws-sdk/client-sqs'; import { ssm } from ${JSON.stringify(join(REPO_ROOT, 'lib/aws/ssm.ts'))}; (globalThis as { floor?: unknown }).floor = [DynamoDBDocumentClient, DynamoDBClient, SQSClient, ssm];`;
    // The floor first: quick mode measures only the first part, and the floor's figures need it.
    const parts: Record<string, { source: string; runtimeSdk?: boolean }> = {
      [FLOOR]: { source: floorSource },
      'zod (one object schema built and parsed)': {
        source: "import * as z from 'zod'; z.object({ a: z.string() }).parse({ a: '' });",
      },
      'lib/config (zod + the config schema, parsed at load)': {
        source: `import { config } from ${JSON.stringify(join(REPO_ROOT, 'lib/config.ts'))}; config();`,
      },
      'lib/vod/client (transport, errors, 2.0 event schemas; action schemas lazy)': {
        source: `import ${JSON.stringify(join(REPO_ROOT, 'lib/vod/client/index.ts'))};`,
      },
      [SDK_CLIENTS]: { source: sdkClients },
      [WITH_S3]: { source: withS3 },
      [WITH_S3_CLIENT]: { source: withS3Client },
      "DynamoDB document client + SQS client (runtime's SDK)": { source: sdkClients, runtimeSdk: true },
      [WITH_SSM]: { source: withSsm },
      // lib/aws/ssm builds a zod schema at load: the SSM client's variant gets one too.
      [WITH_SSM_CLIENT]: {
        source: `${sdkClients} import * as z from 'zod'; z.object({ Parameter: z.object({ Value: z.string().optional() }).optional() }); export const later = () => import(${ssmSdk});`,
      },
      // lib/aws/secrets imported the SSM client on the first read from SSM: at init its code was only parsed.
      [PARSED_ONLY]: {
        source: `export const later = () => import(${ssmSdk});`,
      },
      'the SSM client loaded and built (what the first secret read from SSM added, on top of the init, before lib/aws/ssm)': {
        source: `import { SSMClient } from ${ssmSdk}; new SSMClient({});`,
      },
    };
    const partRows: string[] = [];
    let parsedOnly: { ms: number; bytes: number } | undefined;
    let floorMs: number | undefined;
    const partCpu = new Map<string, { cpuMs: number; bytes: number }>();
    const partEnv = { ...baseEnv, ...(model.functions[0] ? plainEnvironment(model.functions[0]) : {}), NODE_PATH: '' };
    // Quick: one part, one round — enough to prove this still runs.
    const built: Array<{ label: string; bytes: number; env: NodeJS.ProcessEnv; load: string; empty: Spawn[]; loaded: Spawn[] }> = [];
    for (const [label, part] of Object.entries(parts).slice(0, quick ? 1 : undefined)) {
      const entry = join(work, `part-${built.length}.mts`);
      writeFileSync(entry, part.source);
      const out = join(work, `part-${built.length}.cjs`);
      const bytes = await esbuildEntry(entry, out, part.runtimeSdk ? 'runtime' : 'bundled');
      const env = part.runtimeSdk ? { ...partEnv, NODE_PATH: runtimeSdkPath } : partEnv;
      const load = `require(${JSON.stringify(out)})`;
      spawnNode(load, env, work);
      built.push({ label, bytes, env, load, empty: [], loaded: [] });
    }
    // Round by round over all the parts, each loaded spawn right after an empty one: a slow spell
    // of the machine is spread over every part, and a part's init is the median of its pairs.
    for (let r = 0; r < (quick ? 1 : rounds); r++)
      for (let i = 0; i < built.length; i++) {
        const b = built[(i + r) % built.length]!;
        b.empty.push(spawnNode('', b.env, work));
        b.loaded.push(spawnNode(b.load, b.env, work));
      }
    for (const { label, bytes, empty, loaded } of built) {
      const paired = (key: keyof Spawn) => median(loaded.map((x, r) => x[key] - empty[r]![key]));
      const ms = paired('wallMs');
      const cpuMs = paired('cpuMs');
      partRows.push(`${label} ${round(ms, 2)} ms (CPU ${round(cpuMs, 2)} ms; ${round(bytes / 1000)} KB)`);
      if (label.startsWith(PARSED_ONLY)) parsedOnly = { ms, bytes };
      if (label === FLOOR) floorMs = ms;
      partCpu.set(label, { cpuMs, bytes });
    }
    const over = inits.filter((i) => i.bundled > IMPORT_LIMIT_MS);
    // Code that is parsed but never run at init shows what bytes alone cost.
    const perKb = parsedOnly
      ? ` V8 parses a whole bundle at load: the SSM client's code, parsed and not run, costs ${round(parsedOnly.ms, 2)} ms for ${round(parsedOnly.bytes / 1000)} KB (part above), ~${round((parsedOnly.ms / parsedOnly.bytes) * 100_000, 2)} ms per 100 KB, so a bundle's size bounds its init as much as its module work does.`
      : '';
    // S3 is what sets initiate-upload and create-upload apart from the other functions.
    const sdkOnly = partCpu.get(SDK_CLIENTS);
    const plusS3 = partCpu.get(WITH_S3);
    const plusS3Client = partCpu.get(WITH_S3_CLIENT);
    const added = (p: { cpuMs: number; bytes: number }) =>
      `${round(p.cpuMs - sdkOnly!.cpuMs, 2)} ms of CPU and ${round((p.bytes - sdkOnly!.bytes) / 1000)} KB`;
    const s3Cost =
      sdkOnly && plusS3 && plusS3Client
        ? ` S3 presigning as shipped, which only initiate-upload and create-upload load (pull: a presigned GET; push: a GET of one), adds ${added(plusS3)} to the DynamoDB + SQS clients; the S3 client and getSignedUrl it replaced added ${added(plusS3Client)} (parts above).`
        : '';
    const plusSsm = partCpu.get(WITH_SSM);
    const plusSsmClient = partCpu.get(WITH_SSM_CLIENT);
    const ssmCost =
      sdkOnly && plusSsm && plusSsmClient
        ? ` Parameter Store as shipped (lib/aws/ssm: GetParameter signed by the SDK's SigV4 signer, sent by its HTTP handler, with the SSM client's own endpoint rules) adds ${added(plusSsm)} to the DynamoDB + SQS clients, zod included (every function loads it anyway); the SSM client behind a dynamic import that it replaced added ${added(plusSsmClient)}, zod included alike, parsed at every init and run on the first secret read (parts above).`
        : '';
    // What bounds the init of each function over the limit (or of the slowest, if none is).
    const slowest = [...inits].sort((a, b) => b.bundled - a.bundled)[0]!;
    const profiled = (over.length ? over : [slowest]).slice(0, quick ? 1 : undefined);
    const madeOf: string[] = [];
    for (const i of profiled) madeOf.push(await initBounds(i.key, i.entry, i.bundlePath, i.env, work, quick ? 1 : 7));
    // The stack is taken where the handler first reads its event's Records: the slowest SQS
    // function (a scheduled one reads no event, the HTTP wrapper copies it first), with plain
    // secrets (it gets there without SSM).
    const stackFn = [...inits].filter((i) => i.readsRecords).sort((a, b) => b.bundled - a.bundled)[0]!;
    const stackEnv = { ...stackFn.env, ...PLAIN_SECRETS };
    const stackMs = firstStackMs(stackFn.bundlePath, stackEnv, quick ? 1 : rounds);
    const nodeStackMs = firstStackMs(stackFn.bundlePath, { ...stackEnv, NODE_OPTIONS: '--enable-source-maps' }, quick ? 1 : rounds);
    // Each function's own part of its init: what it loads and runs beyond the floor.
    const chained = floorMs === undefined ? [] : inits.filter((i) => loadsFloor(i.bundlePath));
    // (The floor and the inits come from rounds of their own: a function close to the floor can
    // come out a little under it, shown as 0.)
    const own = chained.map((i) => ({ key: i.key, ms: Math.max(0, i.bundled - floorMs!) })).sort((a, b) => b.ms - a.ms);
    const floorFigures: Figure[] =
      floorMs === undefined || !own.length
        ? []
        : [
            {
              name: 'floor of an init: the DynamoDB and SQS clients, the Parameter Store signer (lib/aws/ssm) and zod, no handler code',
              value: round(floorMs),
              unit: 'ms',
              note:
                floorMs > IMPORT_LIMIT_MS
                  ? `over the goal on this machine before any of a function's own code: ${chained.length} of ${inits.length} functions load it`
                  : `leaves ${round(IMPORT_LIMIT_MS - floorMs)} ms of the goal to a function's own code; ${chained.length} of ${inits.length} functions load it`,
            },
            {
              name: 'largest own part of an init (init − floor), the functions that load the floor',
              value: round(own[0]!.ms),
              unit: 'ms',
              note: `${own[0]!.key}; the smallest ${round(own.at(-1)!.ms)} ms (${own.at(-1)!.key}): config, lib/vod/client, the job and message schemas, Powertools, middy, the handler`,
            },
          ];
    const floorBound =
      floorMs === undefined || !own.length
        ? ''
        : floorMs > IMPORT_LIMIT_MS
          ? ` What bounds it here: the floor alone (${FLOOR}) takes ${round(floorMs)} ms, over the goal, so on this machine none of the ${chained.length} functions that load it can meet ${IMPORT_LIMIT_MS} ms whatever its own code; their own parts are ${round(own.at(-1)!.ms)}–${round(own[0]!.ms)} ms.`
          : ` The floor (${FLOOR}) takes ${round(floorMs)} ms, leaving ${round(IMPORT_LIMIT_MS - floorMs)} ms; the functions' own parts are ${round(own.at(-1)!.ms)}–${round(own[0]!.ms)} ms${overByOwn(own, floorMs)}.`;
    const bounds = over.length
      ? [
          `Above ${IMPORT_LIMIT_MS} ms as shipped: ${over.map((i) => `${i.key} ${round(i.bundled)} ms`).join(', ')}.${floorBound}${perKb} Figures are wall time and grow with the machine's load (load average at the start of the section is in its header).`,
        ]
      : [];
    return {
      title: 'Cold start: function bundles (serverless package, AWS SDK bundled) and their init time',
      figures: [
        {
          name: 'largest bundle (SDK inside)',
          value: round(worstSize / 1000),
          unit: 'KB',
          goal: `${budget} minified (build/bundle-sizes.ts)`,
          met: worstSize <= BUNDLE_LIMIT_BYTES,
        },
        {
          name: 'slowest init as shipped (SDK bundled + tree-shaken)',
          value: round(worstShipped),
          unit: 'ms',
          goal: `≤ ${IMPORT_LIMIT_MS} ms`,
          met: worstShipped <= IMPORT_LIMIT_MS,
        },
        {
          name: 'functions whose shipped variant is the faster',
          value: shippedFaster,
          unit: `of ${inits.length}`,
          goal: 'all',
          met: shippedFaster === inits.length,
        },
        {
          name: 'functions whose shipped init uses less CPU time',
          value: shippedLessCpu,
          unit: `of ${inits.length}`,
          // Bundled, a function parses all its SDK code at init; from the runtime's SDK, Node loads only what the init requires.
          note: moreCpu.length ? `init alone; more CPU as shipped: ${moreCpu.join(', ')}` : 'init alone',
        },
        ...floorFigures,
        ...figures,
        {
          name: `${stackFn.key}: first formatted stack (reads the source map, lib/aws/stack-traces)`,
          value: round(stackMs, 2),
          unit: 'ms',
          note: `paid by a container's first stack that has a frame in the bundle, not by the init; under Node's own --enable-source-maps ${round(nodeStackMs, 2)} ms (and the init read the map)`,
        },
        { name: 'serverless package (all functions)', value: round(packageS), unit: 's' },
      ],
      notes: [
        "Ships: the SDK bundled and tree-shaken (serverless.yml custom.esbuild: mainFields module first, nothing external). Bundles: serverless-esbuild, minified CommonJS (.cjs) for nodejs22.x with a source map (no sources' text); the AWS SDK, middy, zod and Powertools all inside.",
        `What an init is made of (each part bundled alone with serverless.yml's settings; the median of ${quick ? 1 : rounds} pairs of an empty node and the part, interleaved round by round over the parts, same run): ${partRows.join('; ')}. The nine functions that talk to VOD load lib/vod/client (create-upload, get-job, deliver-event and sign-upload do not); its action schemas and API 3.0's are z.lazy, built on an action's first call. Secrets are read from Parameter Store on a container's first call that needs them, then cached.${ssmCost}${s3Cost}`,
        `Init = median wall of \`node -e "require(bundle)"\` minus median of \`node -e ''\`, ${rounds} spawns each (CPU: the same for the CPU time the process used, user + system, which a busy machine inflates far less than wall time), interleaved (empty, shipped, runtime's SDK) and round by round over all the functions (a slow spell of the machine is spread over every function), after one warm-up spawn ("the faster": the median of each round's shipped − runtime difference), in each function's deployed environment (no NODE_OPTIONS=--enable-source-maps: lib/aws/stack-traces, injected into every bundle, reads the source map on the first formatted stack; under --enable-source-maps Node read it and scanned the whole bundle at every init, ~8 ms of CPU). "runtime's SDK" is the same entry built with the same settings but @aws-sdk/* and @smithy/* external, loaded from node_modules (NODE_PATH) as Lambda would from the runtime; the shipped bundle runs with no NODE_PATH. Both include the handler's module-level work (config parse); SDK clients themselves are constructed on first use (lib/aws/clients memo), not at load.`,
        ...bounds,
        ...madeOf,
        ...rows,
      ],
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
