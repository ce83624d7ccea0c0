// Where the CPU goes: a V8 CPU profile of the measured phase of a section (the inspector's
// sampling profiler, in-process: the local stack, its stand-ins and every handler share this
// thread), summarised as shares of the busy time — by component (the stand-in or code that owns
// the call, walking up the stack from the sampled function), by kind of work (the package or
// builtin that ran) and the hottest functions by self time. `npm run bench -- --profile` turns it
// on (BENCH_PROFILE=1) and puts it in the report; `tsx bench/profile.ts <dir>` summarises the
// *.cpuprofile files that `node --cpu-prof` wrote (BENCH_CPU_PROF=<dir>).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join, relative } from 'node:path';
import { REPO_ROOT } from './proc';

export interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  hitCount?: number;
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface Share {
  name: string;
  /** Percent of the sampled (non-idle) time. */
  pct: number;
}

export interface ProfileSummary {
  /** Which processes / threads were profiled, and their busy time. */
  sources: string[];
  busyMs: number;
  idlePct: number;
  components: Share[];
  kinds: Share[];
  top: Share[];
}

const pkg = (url: string): string | undefined => {
  const i = url.lastIndexOf('node_modules/');
  if (i < 0) return undefined;
  const rest = url.slice(i + 'node_modules/'.length).split('/');
  return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
};

// fauxqs serves SQS and S3 on fastify; dynalite keeps tables in a level store.
const FAUXQS =
  /^(fauxqs|fastify|@fastify\/.*|find-my-way|avvio|light-my-request|fast-json-stringify|pino.*|secure-json-parse|fast-querystring|fast-uri|ajv.*|fast-xml-parser|@aws-sdk\/xml-builder)$/;
const DYNALITE =
  /^(dynalite|level.*|memdown|memory-level|abstract-level|abstract-leveldown|deferred-leveldown|encoding-down|levelup|lazy|big\.js|async|once|lock|buffer-crc32|functional-red-black-tree|subleveldown|level-sublevel|lru-cache)$/;

const UNOWNED = 'Node / V8 (no owning frame)';

/** The component owning a frame, or undefined when the frame is shared machinery (Node, libraries). */
function component(url: string): string | undefined {
  const p = pkg(url);
  if (p) {
    if (p === 'fauxqs') return 'fauxqs (SQS + S3)';
    if (p === 'dynalite') return 'dynalite (DynamoDB)';
    return undefined;
  }
  if (!url.startsWith('file://')) return undefined;
  const file = relative(REPO_ROOT, new URL(url).pathname);
  if (file.startsWith('emulator/')) return 'VOD emulator';
  if (file.startsWith('functions/') || file.startsWith('lib/')) return 'handlers (functions/, lib/)';
  if (file.startsWith('local/runtime/')) return 'local runtime (pollers, invoker, gateway)';
  if (file.startsWith('local/')) return 'local stack glue (S3 bridge, persistence)';
  if (file.startsWith('bench/')) return 'bench (load generator, readers)';
  return file.split('/')[0];
}

/** What kind of work a sampled frame is. */
function kind(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (functionName === '(garbage collector)') return 'GC';
  if (functionName === '(program)') return 'V8 / native (program)';
  const p = pkg(url);
  if (p) {
    if (p === 'zod') return 'zod (validation)';
    if (p.startsWith('@aws-sdk/') || p.startsWith('@smithy/') || p.startsWith('@aws-crypto/')) return 'AWS SDK v3 (clients)';
    if (p === '@aws-lambda-powertools/logger') return 'logging (powertools logger)';
    if (p.startsWith('@aws-lambda-powertools/')) return 'powertools (other)';
    if (p.startsWith('@middy/')) return 'middy';
    if (p === 'fauxqs' || FAUXQS.test(p)) return 'fauxqs + fastify';
    if (p === 'dynalite' || DYNALITE.test(p)) return 'dynalite + level store';
    if (p === 'tsx' || p === 'esbuild' || p === 'get-tsconfig') return 'tsx (TypeScript loader)';
    return `other packages (${p})`;
  }
  if (url === '' && /^(parse|stringify)$/.test(functionName)) return 'JSON';
  if (url.startsWith('node:internal/deps/undici') || url.includes('undici')) return 'undici (fetch)';
  if (url.startsWith('node:internal/streams') || url === 'node:stream') return 'Node streams';
  if (/^node:(_http|http|internal\/http|https)/.test(url)) return 'Node http';
  if (/^node:(net|internal\/net|internal\/stream_base|internal\/tcp)/.test(url)) return 'Node net';
  if (/^node:(internal\/)?(crypto|crypto\/)/.test(url) || url.startsWith('node:internal/crypto')) return 'Node crypto';
  if (/^node:internal\/(modules|vm|bootstrap)/.test(url)) return 'module loading';
  if (/^node:(internal\/)?(timers|process\/task_queues)/.test(url)) return 'timers / microtasks';
  if (url.startsWith('node:')) return 'Node (other)';
  if (url.startsWith('file://')) {
    // Own frames by part: what vodflow's handlers cost apart from the stand-ins and the bench.
    const file = relative(REPO_ROOT, new URL(url).pathname);
    if (file.startsWith('lib/') || file.startsWith('functions/')) return 'vodflow handlers (own frames: lib/, functions/)';
    if (file.startsWith('local/')) return 'local runtime + stack glue (own frames)';
    if (file.startsWith('emulator/')) return 'VOD emulator (own frames)';
    if (file.startsWith('bench/')) return 'bench (own frames)';
    return 'vodflow code (own frames)';
  }
  return `V8 builtins${functionName ? '' : ''}`;
}

function topName(frame: CallFrame): string {
  const where = frame.url.startsWith('file://')
    ? relative(REPO_ROOT, new URL(frame.url).pathname).replace(/^node_modules\//, '')
    : frame.url || 'native';
  return `${frame.functionName || '(anonymous)'} ${where}${frame.lineNumber >= 0 ? `:${frame.lineNumber + 1}` : ''}`;
}

const shares = (map: Map<string, number>, total: number, limit: number, minPct = 0.5): Share[] =>
  [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([name, us]) => ({ name, pct: Math.round((1000 * us) / total) / 10 }))
    .filter((s) => s.pct >= minPct)
    .slice(0, limit);

/** Summarises every *.cpuprofile in `dir` (one process may write one per thread). */
export function summariseProfiles(dir: string): ProfileSummary | undefined {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  if (!files.length) return undefined;
  return summarise(files.map((file) => ({ label: file, profile: JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile })));
}

export function summarise(profiles: Array<{ label: string; profile: CpuProfile }>): ProfileSummary {
  const byComponent = new Map<string, number>();
  const byKind = new Map<string, number>();
  const bySelf = new Map<string, number>();
  let busy = 0;
  let idle = 0;
  const sources: string[] = [];
  for (const { label, profile } of profiles) {
    const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
    const parent = new Map<number, number>();
    for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    // Per node: its sampled time (µs), from the samples and their time deltas.
    const timeOf = new Map<number, number>();
    const samples = profile.samples ?? [];
    const deltas = profile.timeDeltas ?? [];
    for (let i = 0; i < samples.length; i++) {
      const dt = deltas[i + 1] ?? deltas[i] ?? 0;
      timeOf.set(samples[i]!, (timeOf.get(samples[i]!) ?? 0) + Math.max(0, dt));
    }
    const owner = new Map<number, string>();
    const ownerOf = (id: number): string => {
      const known = owner.get(id);
      if (known) return known;
      const n = nodes.get(id)!;
      const own = component(n.callFrame.url);
      const p = parent.get(id);
      const result = own ?? (p === undefined ? UNOWNED : ownerOf(p));
      owner.set(id, result);
      return result;
    };
    let fileBusy = 0;
    for (const [id, us] of timeOf) {
      const n = nodes.get(id)!;
      if (n.callFrame.functionName === '(idle)') {
        idle += us;
        continue;
      }
      fileBusy += us;
      const k = kind(n.callFrame);
      byKind.set(k, (byKind.get(k) ?? 0) + us);
      // GC and (program) have no stack: they belong to no component.
      // An SDK frame with no owner on its stack is a client call resumed from a promise: the SDK's.
      const owned = k === 'GC' || k === 'V8 / native (program)' ? 'GC + V8 (no stack)' : ownerOf(id);
      const c = owned === UNOWNED && k === 'AWS SDK v3 (clients)' ? 'AWS SDK clients (resumed calls, no caller on the stack)' : owned;
      byComponent.set(c, (byComponent.get(c) ?? 0) + us);
      if (k !== 'GC' && k !== 'V8 / native (program)') bySelf.set(topName(n.callFrame), (bySelf.get(topName(n.callFrame)) ?? 0) + us);
    }
    busy += fileBusy;
    const wall = (profile.endTime - profile.startTime) / 1000;
    sources.push(`${label}: ${Math.round(fileBusy / 1000)} ms busy of ${Math.round(wall)} ms`);
  }
  return {
    sources,
    busyMs: Math.round(busy / 1000),
    idlePct: Math.round((1000 * idle) / (busy + idle || 1)) / 10,
    components: shares(byComponent, busy, 12),
    kinds: shares(byKind, busy, 14),
    top: shares(bySelf, busy, 15, 0.3),
  };
}

/** Main-thread sampled time split by which side of a local HTTP call the work was for. */
export interface SideSplit {
  /** The stand-in's own work: frames under its server (fauxqs + fastify, the emulator, node:_http_server). */
  server: number;
  /** The caller's: the AWS SDK / VOD client, node:_http_client, the caller's code. */
  client: number;
  /** Neither can be told from the stack (GC, socket reads, timers, microtasks): shared. */
  unattributed: number;
}

const serverSide = (url: string): boolean => {
  const p = pkg(url);
  if (p) return p === 'fauxqs' || FAUXQS.test(p);
  if (url === 'node:_http_server') return true;
  return url.startsWith('file://') && relative(REPO_ROOT, new URL(url).pathname).startsWith('emulator/');
};
const clientSide = (url: string): boolean => {
  const p = pkg(url);
  if (p) return p.startsWith('@aws-sdk/') || p.startsWith('@smithy/') || p.startsWith('@aws-crypto/');
  if (url === 'node:_http_client' || url === 'node:_http_agent') return true;
  return url.startsWith('file://');
};

/**
 * Splits a main-thread profile into server / client / unattributed fractions (of busy time): a
 * sample is server-side when any frame of its stack belongs to a stand-in server, else client-side
 * when any frame is the SDK's or caller code, else unattributed.
 */
export function splitSides(profile: CpuProfile): SideSplit {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const sideOf = new Map<number, keyof SideSplit>();
  const side = (id: number): keyof SideSplit => {
    const known = sideOf.get(id);
    if (known) return known;
    let found: keyof SideSplit = 'unattributed';
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const url = nodes.get(at)!.callFrame.url;
      if (serverSide(url)) {
        found = 'server';
        break;
      }
      if (found === 'unattributed' && clientSide(url)) found = 'client';
    }
    sideOf.set(id, found);
    return found;
  };
  const us: SideSplit = { server: 0, client: 0, unattributed: 0 };
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const name = nodes.get(samples[i]!)!.callFrame.functionName;
    if (name === '(idle)') continue;
    us[side(samples[i]!)] += Math.max(0, deltas[i + 1] ?? deltas[i] ?? 0);
  }
  const busy = us.server + us.client + us.unattributed || 1;
  return { server: us.server / busy, client: us.client / busy, unattributed: us.unattributed / busy };
}

/** Samples this thread from now until the returned function is called (for splitSides). */
/** This thread's sampling profiler, started now (every `intervalUs`); the returned function stops it. */
export async function startSampling(intervalUs: number): Promise<() => Promise<CpuProfile>> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: intervalUs });
  await session.post('Profiler.start');
  return async () => {
    const { profile } = (await session.post('Profiler.stop')) as { profile: CpuProfile };
    session.disconnect();
    return profile;
  };
}

export const profilingWanted = (): boolean => process.env.BENCH_PROFILE === '1';

/**
 * Runs `fn` under the sampling profiler of this thread when BENCH_PROFILE=1 (else just runs it)
 * and returns its result with the summary. Sampling every 1 ms costs a few percent.
 */
export async function profiled<T>(label: string, fn: () => Promise<T>): Promise<{ result: T; profile?: ProfileSummary }> {
  if (!profilingWanted()) return { result: await fn() };
  const stop = await startSampling(1000);
  let result: T;
  try {
    result = await fn();
  } catch (error) {
    await stop();
    throw error;
  }
  const profile = await stop();
  // BENCH_PROFILE_DIR=<dir>: the raw profile too, for a closer look (Chrome DevTools opens it).
  const dir = process.env.BENCH_PROFILE_DIR;
  if (dir) writeFileSync(join(dir, `${label.replace(/[^\w.-]+/g, '-')}.cpuprofile`), JSON.stringify(profile));
  return { result, profile: summarise([{ label, profile }]) };
}

/** A profiler started now and stopped (then summarised) later: for helpers driven by messages. */
export async function startProfiler(label: string): Promise<() => Promise<ProfileSummary>> {
  const stop = await startSampling(1000);
  return async () => summarise([{ label, profile: await stop() }]);
}

if (process.argv[1]?.endsWith('profile.ts') && process.argv[2]) {
  console.log(JSON.stringify(summariseProfiles(process.argv[2]), null, 2));
}
