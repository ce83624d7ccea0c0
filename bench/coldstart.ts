// Cold start: `serverless package` (serverless-esbuild: bundled, minified, CommonJS, @aws-sdk/*
// external because nodejs22.x provides SDK v3), then per function: bundle size, and the time to
// load the bundle in a fresh `node` minus an empty `node -e ''`, spawned interleaved. The same
// entry is also bundled with the SDK inside (esbuild, ESM entry points so it is tree-shaken) and
// timed in the same rounds, to say which of the two a function should ship.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { loadServerlessConfig } from '../local';
import { median, round, type Figure, type Section } from './measure';
import { REPO_ROOT } from './proc';

const BUNDLE_LIMIT = 250 * 1000;
const IMPORT_LIMIT_MS = 100;

function spawnMs(args: string[], env: NodeJS.ProcessEnv, cwd: string): number {
  const start = performance.now();
  const r = spawnSync(process.execPath, args, { env, cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = performance.now() - start;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${r.stderr.toString().slice(0, 500)}`);
  return ms;
}

/**
 * An entry bundled like serverless.yml's custom.esbuild: `runtime` leaves @aws-sdk/* external
 * (resolved through NODE_PATH, as on Lambda), `bundled` puts it inside. Returns the size.
 */
async function esbuildEntry(entry: string, outfile: string, sdk: 'runtime' | 'bundled'): Promise<number> {
  const plugins = createRequire(import.meta.url)(join(REPO_ROOT, 'build/esbuild-plugins.cjs'));
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    // The SDK's ES module builds tree-shake; its CommonJS builds do not.
    ...(sdk === 'bundled' ? { mainFields: ['module', 'main'] } : { external: ['@aws-sdk/*'] }),
    // Entries may be files in a temp dir: packages still come from the repo.
    nodePaths: [join(REPO_ROOT, 'node_modules')],
    supported: { 'dynamic-import': false },
    plugins,
    logLevel: 'silent',
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
    // @aws-sdk/* is external: resolved from the repo's node_modules, as the runtime would from its own.
    const baseEnv = {
      PATH: process.env.PATH,
      NODE_PATH: join(REPO_ROOT, 'node_modules'),
      AWS_REGION: 'us-east-1',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
    const figures: Figure[] = [];
    const rows: string[] = [];
    const inits: Array<{ key: string; runtime: number; bundled: number }> = [];
    let worstSize = 0;
    let worstImport = 0;
    const functions = quick ? model.functions.slice(0, 2) : model.functions;
    for (const fn of functions) {
      const dir = join(work, fn.key);
      const unzip = spawnSync('unzip', ['-q', '-o', join(work, 'pkg', `${fn.key}.zip`), '-d', dir]);
      if (unzip.status !== 0) throw new Error(`unzip ${fn.key}.zip failed: ${unzip.stderr}`);
      const bundle = readdirSync(join(dir, 'functions')).find((f) => f.endsWith('.cjs') || f.endsWith('.js'));
      if (!bundle) throw new Error(`no bundle in ${fn.key}.zip`);
      const bundlePath = join(dir, 'functions', bundle);
      const size = statSync(bundlePath).size;
      const env = { ...baseEnv, ...fn.environment, NODE_OPTIONS: '' };
      const bundledPath = join(work, 'with-sdk', `${fn.key}.cjs`);
      mkdirSync(join(work, 'with-sdk'), { recursive: true });
      const bundledSize = await esbuildEntry(join(REPO_ROOT, `${fn.handlerFile}.ts`), bundledPath, 'bundled');
      // No NODE_PATH for the bundle with the SDK inside: nothing may come from node_modules.
      const bundledEnv = { ...env, NODE_PATH: '' };
      const load = ['-e', `require(${JSON.stringify(bundlePath)})`];
      const loadBundled = ['-e', `require(${JSON.stringify(bundledPath)})`];
      const empty: number[] = [];
      const loaded: number[] = [];
      const loadedBundled: number[] = [];
      spawnMs(load, env, dir); // first spawns warm the page cache
      spawnMs(loadBundled, bundledEnv, dir);
      const contenders = [
        () => empty.push(spawnMs(['-e', ''], env, dir)),
        () => loaded.push(spawnMs(load, env, dir)),
        () => loadedBundled.push(spawnMs(loadBundled, bundledEnv, dir)),
      ];
      for (let r = 0; r < rounds; r++) for (let i = 0; i < contenders.length; i++) contenders[(i + r) % contenders.length]!();
      const importMs = median(loaded) - median(empty);
      const bundledMs = median(loadedBundled) - median(empty);
      const fastest = Math.min(importMs, bundledMs);
      inits.push({ key: fn.key, runtime: importMs, bundled: bundledMs });
      worstSize = Math.max(worstSize, size);
      worstImport = Math.max(worstImport, fastest);
      figures.push(
        { name: `${fn.key}: bundle`, value: round(size / 1000), unit: 'KB', goal: '≤ 250 KB', met: size <= BUNDLE_LIMIT },
        { name: `${fn.key}: init, runtime's SDK`, value: round(importMs), unit: 'ms' },
        {
          name: `${fn.key}: init, SDK bundled + tree-shaken`,
          value: round(bundledMs),
          unit: 'ms',
          note: `${round(bundledSize / 1000)} KB`,
        },
        {
          name: `${fn.key}: init, the faster`,
          value: round(fastest),
          unit: 'ms',
          goal: `≤ ${IMPORT_LIMIT_MS} ms`,
          met: fastest <= IMPORT_LIMIT_MS,
          note: bundledMs < importMs ? 'SDK bundled' : "runtime's SDK",
        },
      );
      rows.push(
        `${fn.key}: ${bundle} ${size} B, with the SDK ${bundledSize} B; node+require ${round(median(loaded))} ms (SDK bundled ${round(median(loadedBundled))} ms), empty node ${round(median(empty))} ms`,
      );
    }
    // What the init is made of: each part bundled alone (SDK inside) and timed the same way.
    const sdkClients =
      "import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'; import { DynamoDBClient } from '@aws-sdk/client-dynamodb'; import { SQSClient } from '@aws-sdk/client-sqs'; DynamoDBDocumentClient.from(new DynamoDBClient({})); new SQSClient({});";
    const parts: Record<string, { source: string; runtimeSdk?: boolean }> = {
      'zod alone': { source: "import 'zod';" },
      'lib/config (zod + the config schema, parsed at load)': {
        source: `import { config } from ${JSON.stringify(join(REPO_ROOT, 'lib/config.ts'))}; config();`,
      },
      'lib/vod/client (transport, errors, 2.0 event schemas; action schemas lazy)': {
        source: `import ${JSON.stringify(join(REPO_ROOT, 'lib/vod/client/index.ts'))};`,
      },
      'DynamoDB document client + SQS client (SDK bundled)': { source: sdkClients },
      "DynamoDB document client + SQS client (runtime's SDK)": { source: sdkClients, runtimeSdk: true },
    };
    const partRows: string[] = [];
    const partMs = new Map<string, number>();
    const partEnv = { ...baseEnv, NODE_PATH: '', NODE_OPTIONS: '', ...(model.functions[0]?.environment ?? {}) };
    // Quick: one part, one round — enough to prove this still runs.
    for (const [label, part] of Object.entries(parts).slice(0, quick ? 1 : undefined)) {
      const entry = join(work, `part-${partRows.length}.mts`);
      writeFileSync(entry, part.source);
      const out = join(work, `part-${partRows.length}.cjs`);
      await esbuildEntry(entry, out, part.runtimeSdk ? 'runtime' : 'bundled');
      const env = part.runtimeSdk ? { ...partEnv, NODE_PATH: baseEnv.NODE_PATH } : partEnv;
      const load = ['-e', `require(${JSON.stringify(out)})`];
      spawnMs(load, env, work);
      const empty: number[] = [];
      const loaded: number[] = [];
      for (let r = 0; r < (quick ? 1 : Math.round(rounds / 2)); r++) {
        empty.push(spawnMs(['-e', ''], env, work));
        loaded.push(spawnMs(load, env, work));
      }
      const ms = median(loaded) - median(empty);
      partMs.set(label, ms);
      partRows.push(`${label} ${round(ms, 2)} ms`);
    }
    // What bounds each function above the goal: the SDK clients' own load, measured alone above.
    const sdkRuntime = partMs.get("DynamoDB document client + SQS client (runtime's SDK)");
    const sdkBundled = partMs.get('DynamoDB document client + SQS client (SDK bundled)');
    const over = inits.filter((i) => Math.min(i.runtime, i.bundled) > IMPORT_LIMIT_MS);
    const bounds =
      sdkRuntime !== undefined && sdkBundled !== undefined && over.length
        ? [
            `Above ${IMPORT_LIMIT_MS} ms: ${over.map((i) => `${i.key} ${round(i.runtime, 2)} ms (SDK bundled ${round(i.bundled, 2)} ms)`).join(', ')}. The DynamoDB and SQS clients alone take ${round(sdkRuntime, 2)} ms from the runtime's SDK and ${round(sdkBundled, 2)} ms bundled (parts above), so the rest is vodflow's own module work plus the Node built-ins it loads: ${over.map((i) => `${i.key} ${round(i.runtime - sdkRuntime, 2)} ms`).join(', ')} (the config schema, parsed at load as it must be, the queue-message, job and event contracts every handler parses, Powertools, middy; the VOD action schemas are z.lazy, built on first call). Figures are wall time and grow with the machine's load. S3 and its presigner add their own load to initiate-upload and create-upload. The SDK-bundled variants are faster but 0.6–1 MB, over the 250 KB bundle limit, so the functions ship with the runtime's SDK.`,
          ]
        : [];
    return {
      title: 'Cold start: function bundles (serverless package) and their import time',
      figures: [
        {
          name: 'largest bundle',
          value: round(worstSize / 1000),
          unit: 'KB',
          goal: '≤ 250 KB minified, AWS SDK provided by the runtime',
          met: worstSize <= BUNDLE_LIMIT,
        },
        {
          name: 'slowest init (the faster variant of each function)',
          value: round(worstImport),
          unit: 'ms',
          goal: `≤ ${IMPORT_LIMIT_MS} ms`,
          met: worstImport <= IMPORT_LIMIT_MS,
        },
        ...figures,
        { name: 'serverless package (all functions)', value: round(packageS), unit: 's' },
      ],
      notes: [
        'Bundles: serverless-esbuild, minified CommonJS (.cjs) for nodejs22.x; @aws-sdk/* left out (the runtime provides SDK v3), everything else (middy, zod, powertools) inside.',
        `What an init is made of (each part bundled alone with esbuild, timed the same way, same run): ${partRows.join('; ')}. Every function but sign-upload loads lib/vod/client (most through the lib/jobs barrel); its action schemas and API 3.0's are z.lazy, built on an action's first call.`,
        `Init = median wall of \`node -e "require(bundle)"\` minus median of \`node -e ''\`, ${rounds} spawns each, interleaved (empty, runtime's SDK, SDK bundled), after one warm-up spawn. "runtime's SDK" loads the external @aws-sdk/* clients from node_modules (NODE_PATH), as Lambda loads them from the runtime; "SDK bundled" is the same entry bundled by esbuild with @aws-sdk/* inside (ES module builds, tree-shaken, no NODE_PATH). Both include the handler's module-level work (config parse); SDK clients themselves are constructed on first use (lib/aws/clients memo), not at load.`,
        ...bounds,
        ...rows,
      ],
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
