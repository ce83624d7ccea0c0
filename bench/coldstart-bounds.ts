// What bounds a function's init: the shipped bundle's bytes by owner (esbuild's metafile), and a
// CPU profile of `node -e "require(bundle)"` in the function's deployed environment, each sample
// attributed to the work it was doing — V8 compiling the bundle, Node's source-map bookkeeping
// (--enable-source-maps), Node's loader and builtins, GC, or the module code of the package that
// owns the sampled function (looked up in a full source map of the same build: the shipped map
// keeps only vodflow's own mappings, build/own-source-map.cjs).
import type { CallFrame, CpuProfile } from './profile';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { decode, type SourceMapSegment } from '@jridgewell/sourcemap-codec';
import { build, type Metafile } from 'esbuild';
import { functionBuild } from '../build/esbuild-options';
import { median, round } from './measure';

/** Who a byte or a sample belongs to. */
function ownerOf(source: string): string {
  const i = source.lastIndexOf('node_modules/');
  if (i < 0) return 'vodflow';
  const [scope, name] = source.slice(i + 'node_modules/'.length).split('/');
  const pkg = scope!.startsWith('@') ? `${scope}/${name}` : scope!;
  if (/^@(aws-sdk|smithy|aws)\//.test(pkg)) return 'AWS SDK';
  if (pkg === 'zod') return 'zod';
  if (/^@(aws-lambda-powertools|middy)\//.test(pkg)) return 'Powertools + middy';
  return 'other libraries';
}

/** Source of the generated position (0-based line and column), by the last segment at or before it. */
function sourceAt(lines: SourceMapSegment[][], sources: string[], line: number, column: number): string | undefined {
  const segs = lines[line];
  if (!segs?.length) return undefined;
  let lo = 0;
  let hi = segs.length - 1;
  if (segs[0]![0] > column) return undefined;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (segs[mid]![0] <= column) lo = mid;
    else hi = mid - 1;
  }
  const seg = segs[lo]!;
  return seg.length > 1 ? sources[seg[1]!] : undefined;
}

const TOP_LEVEL = 'module-level statements (every package, run in order at load)';

/** Milliseconds per category: the median over the profiles (a busy machine makes single runs noisy). */
function attribute(profiles: CpuProfile[], bundleName: string, map: { sources: string[]; mappings: string }): Map<string, number> {
  const lines = decode(map.mappings);
  const perRun: Array<Map<string, number>> = [];
  for (const p of profiles) {
    const byKind = new Map<string, number>();
    perRun.push(byKind);
    const add = (k: string, us: number) => byKind.set(k, (byKind.get(k) ?? 0) + us / 1000);
    const byId = new Map(p.nodes.map((n) => [n.id, n]));
    const parent = new Map<number, number>();
    for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    const inBundle = (cf: CallFrame) => cf.url.endsWith(`/${bundleName}`);
    const samples = p.samples ?? [];
    for (let i = 0; i < samples.length; i++) {
      const us = p.timeDeltas?.[i + 1] ?? 0;
      const leaf = byId.get(samples[i]!)!;
      const name = leaf.callFrame.functionName;
      if (name === '(idle)') continue;
      if (name === '(garbage collector)') {
        add('GC', us);
        continue;
      }
      // Walk up: the first frame of the bundle owns native work it called; Node's own frames say
      // whether this is the compile, the source-map bookkeeping or the loader.
      // (maybeCacheSourceMap runs inside wrapSafe: the frame nearest the sample names the work.)
      let owner: string | undefined;
      let nodeWork: string | undefined;
      let named = false;
      for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) {
        const cf = byId.get(id)!.callFrame;
        if (inBundle(cf)) {
          if (!nodeWork) {
            const source = sourceAt(lines, map.sources, cf.lineNumber, cf.columnNumber);
            owner = source ? ownerOf(source) : TOP_LEVEL;
          }
          break;
        }
        if (!nodeWork && cf.url.startsWith('node:')) nodeWork = 'Node: loader and builtins';
        if (named) continue;
        if (/maybeCacheSourceMap|findSourceMap/.test(cf.functionName))
          nodeWork = 'Node: source maps (--enable-source-maps, ∝ bundle bytes)';
        else if (cf.functionName === 'wrapSafe') nodeWork = 'V8: compile the bundle (∝ its bytes)';
        else continue;
        named = true;
      }
      add(owner ?? nodeWork ?? (name === '(program)' ? 'V8/Node, unattributed' : 'Node: loader and builtins'), us);
    }
  }
  const kinds = new Set(perRun.flatMap((m) => [...m.keys()]));
  return new Map([...kinds].map((k) => [k, median(perRun.map((m) => m.get(k) ?? 0))]));
}

const shares = (m: Map<string, number>) => {
  const total = [...m.values()].reduce((a, b) => a + b, 0);
  return [...m]
    .filter(([, v]) => v >= total / 200)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${round((100 * v) / total)} %`)
    .join(', ');
};

/**
 * A note on what one function's shipped init is made of. `bundlePath` is the unzipped bundle that
 * ships; the same entry is rebuilt here with the same settings and a full source map (the code
 * is the same bytes, checked) to name the owner of each sampled function.
 */
export async function initBounds(
  key: string,
  entry: string,
  bundlePath: string,
  env: NodeJS.ProcessEnv,
  work: string,
  runs: number,
): Promise<string> {
  const dir = join(work, 'bounds', key);
  mkdirSync(dir, { recursive: true });
  const { options } = functionBuild();
  const outfile = join(dir, basename(bundlePath));
  const result = await build({
    ...options,
    plugins: (options.plugins ?? []).filter((p) => p.name !== 'own-source-map'),
    entryPoints: [entry],
    outfile,
    outExtension: undefined,
    metafile: true,
  });
  const same = readFileSync(outfile).equals(readFileSync(bundlePath));
  // The full map is read here only; the profiled bundle sits next to the map that ships.
  renameSync(`${outfile}.map`, join(dir, 'full.map'));
  copyFileSync(`${bundlePath}.map`, `${outfile}.map`);
  const bytes = new Map<string, number>();
  const output = Object.values((result.metafile as Metafile).outputs).find((o) => o.entryPoint)!;
  for (const [file, { bytesInOutput }] of Object.entries(output.inputs)) {
    bytes.set(ownerOf(file), (bytes.get(ownerOf(file)) ?? 0) + bytesInOutput);
  }
  // An empty `node -e ''` profiled the same way: its Node startup is subtracted, as in the init figures.
  const profile = (script: string, into: string) => {
    mkdirSync(join(dir, into), { recursive: true });
    for (let r = 0; r < runs; r++) {
      const p = spawnSync(process.execPath, ['--cpu-prof', '--cpu-prof-dir', join(dir, into), '--cpu-prof-interval', '100', '-e', script], {
        env,
        cwd: dir,
        stdio: 'ignore',
      });
      if (p.status !== 0) throw new Error(`profiling ${key}'s init failed (${p.status})`);
    }
    return readdirSync(join(dir, into)).map((f) => JSON.parse(readFileSync(join(dir, into, f), 'utf8')) as CpuProfile);
  };
  // How many zod schemas the init builds: zod calls globalConfig.postProcessor once per schema
  // constructed (an internal hook, zod/v4/core/core.js), set here before the bundle loads.
  const counted = spawnSync(
    process.execPath,
    [
      '-e',
      `let n=0;globalThis.__zod_globalConfig={postProcessor(){n++}};require(${JSON.stringify(outfile)});process.stdout.write(String(n))`,
    ],
    { env, cwd: dir, encoding: 'utf8' },
  );
  const schemas = Number(counted.stdout);
  const map = JSON.parse(readFileSync(join(dir, 'full.map'), 'utf8'));
  const profiles = profile(`require(${JSON.stringify(outfile)})`, 'prof');
  const kinds = attribute(profiles, basename(outfile), map);
  for (const [k, ms] of attribute(profile('', 'empty'), basename(outfile), map)) kinds.set(k, Math.max(0, (kinds.get(k) ?? 0) - ms));
  rmSync(dir, { recursive: true, force: true });
  const busyMs = [...kinds.values()].reduce((a, b) => a + b, 0);
  const totalKb = [...bytes.values()].reduce((a, b) => a + b, 0) / 1000;
  const kb = [...bytes]
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${round(v / 1000)} KB`)
    .join(', ');
  return (
    `${key}, what its init is made of (CPU profile of require(bundle), ${profiles.length} run${profiles.length > 1 ? 's' : ''}, 100 µs sampling, median per kind of work over the runs minus an empty node's, profiled alike: ${round(busyMs)} ms, inflated by the sampling; ` +
    `the owner of a sampled function is the package its code comes from — zod's share is schema construction at module level, vodflow's ${schemas} schemas built at load calling into zod, the first ones paying zod's own warm-up): ${shares(kinds)}. ` +
    `Its ${round(totalKb)} KB: ${kb}${same ? '' : ' [the rebuild differs from the shipped bundle: shares are of the rebuild]'}.`
  );
}

/**
 * What the first formatted stack with a frame in the bundle costs a container (lib/aws/stack-traces
 * reads and parses the map then; Node's --enable-source-maps parses the map it read at load): the
 * median over `runs` fresh processes of the first `new Error().stack` taken inside the handler (a
 * property read of its event), minus a second one.
 */
export function firstStackMs(bundlePath: string, env: NodeJS.ProcessEnv, runs: number): number {
  const script = `const { handler } = require(${JSON.stringify(bundlePath)});
let ms;
const stack = () => { const t = performance.now(); const s = new Error('x').stack; return [performance.now() - t, s]; };
const event = new Proxy({}, { get() {
  if (ms === undefined) { const [first, s] = stack(); ms = s.includes('.ts:') ? first - stack()[0] : NaN; }
  return undefined;
} });
Promise.resolve().then(() => handler(event, { functionName: 'bench', awsRequestId: 'r', getRemainingTimeInMillis: () => 10000 }))
  .catch(() => {}).finally(() => process.stdout.write('\\nfirst-stack ' + JSON.stringify(ms ?? null)));`;
  const firsts: number[] = [];
  for (let r = 0; r < runs; r++) {
    const p = spawnSync(process.execPath, ['-e', script], { env, encoding: 'utf8' });
    // The last line: the handler may log to stdout before it.
    const ms = JSON.parse(/first-stack (.*)$/.exec(p.stdout)?.[1] ?? 'null') as number | null;
    if (typeof ms !== 'number') throw new Error(`no mapped stack from ${bundlePath}: ${(p.stderr || p.stdout).slice(0, 300)}`);
    firsts.push(ms);
  }
  return median(firsts);
}
