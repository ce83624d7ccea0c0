// Where ffmpeg and ffprobe live: an explicit path, else FFMPEG_PATH / FFPROBE_PATH, else a modern
// system ffmpeg/ffprobe on PATH (Debian's `apt-get install ffmpeg`), else the static builds of
// @ffmpeg-installer/ffmpeg (4.1, 2018) and @ffprobe-installer/ffprobe (5.2) as the zero-install
// fallback (design §4).
import { execFileSync } from 'node:child_process';
import { accessSync, constants, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export type ToolSource = 'explicit' | 'env' | 'system' | 'npm';

export interface Tool {
  path: string;
  /** Extra environment for this binary. */
  env: Record<string, string>;
  /** Where the choice came from, and the first line of `-version` (when it could be read). */
  source?: ToolSource;
  version?: string;
}

export interface MediaBinaries {
  ffmpeg: Tool;
  ffprobe: Tool;
}

export interface BinaryOptions {
  ffmpegPath?: string;
  ffprobePath?: string;
}

/** System builds older than this are passed over for the npm ones. */
export const MIN_SYSTEM_MAJOR = 5;

const require = createRequire(import.meta.url);

function packagePath(name: string): string {
  const mod = require(name) as { path?: unknown };
  if (typeof mod.path !== 'string') throw new Error(`${name} did not give a binary path`);
  return mod.path;
}

let emptyGconv: string | undefined;

/**
 * The static ffprobe 5.2 of @ffprobe-installer dies with SIGSEGV on every MPEG-TS input (HLS
 * segments included) while decoding the SDT service name: its static glibc loads the host's
 * gconv modules. Pointing GCONV_PATH at an empty folder makes iconv fail cleanly instead, and
 * ffprobe then reads the stream normally. Checked here on Debian 12.
 */
function staticBuildEnv(): Record<string, string> {
  if (process.env.GCONV_PATH) return {};
  if (!emptyGconv) {
    emptyGconv = join(tmpdir(), 'vodflow-empty-gconv');
    mkdirSync(emptyGconv, { recursive: true });
  }
  return { GCONV_PATH: emptyGconv };
}

const versionCache = new Map<string, string | undefined>();

/** First line of `tool -version`, or undefined when it does not run. */
export function versionOf(path: string, env: Record<string, string> = {}): string | undefined {
  if (!versionCache.has(path)) {
    let line: string | undefined;
    try {
      line = execFileSync(path, ['-version'], { env: { ...process.env, ...env }, timeout: 5000, stdio: ['ignore', 'pipe', 'ignore'] })
        .toString()
        .split('\n')[0]
        ?.trim();
    } catch {
      line = undefined;
    }
    versionCache.set(path, line);
  }
  return versionCache.get(path);
}

/** "ffmpeg version 5.1.9-0+deb12u1 …" → 5; git builds ("N-47683-g…") → undefined. */
export const majorOf = (version: string | undefined): number | undefined => {
  const m = version ? /version n?(\d+)\./.exec(version) : null;
  return m ? Number(m[1]) : undefined;
};

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Both system tools, when both run and are modern; one of each origin would mix two builds. */
function systemTools(): MediaBinaries | undefined {
  if (process.env.VODFLOW_MEDIA_TOOLS === 'npm') return undefined;
  const ffmpeg = onPath('ffmpeg');
  const ffprobe = onPath('ffprobe');
  if (!ffmpeg || !ffprobe) return undefined;
  const [vm, vp] = [versionOf(ffmpeg), versionOf(ffprobe)];
  if ((majorOf(vm) ?? 0) < MIN_SYSTEM_MAJOR || (majorOf(vp) ?? 0) < MIN_SYSTEM_MAJOR) return undefined;
  return {
    ffmpeg: { path: ffmpeg, env: {}, source: 'system', version: vm },
    ffprobe: { path: ffprobe, env: {}, source: 'system', version: vp },
  };
}

function chosen(explicit: string | undefined, envName: string): Tool | undefined {
  if (explicit) return { path: explicit, env: {}, source: 'explicit' };
  const fromEnv = process.env[envName];
  return fromEnv ? { path: fromEnv, env: {}, source: 'env' } : undefined;
}

const npmTool = (pkg: string): Tool => ({ path: packagePath(pkg), env: staticBuildEnv(), source: 'npm' });

export function resolveBinaries(opts: BinaryOptions = {}): MediaBinaries {
  const ffmpeg = chosen(opts.ffmpegPath, 'FFMPEG_PATH');
  const ffprobe = chosen(opts.ffprobePath, 'FFPROBE_PATH');
  const system = ffmpeg && ffprobe ? undefined : systemTools();
  return {
    ffmpeg: ffmpeg ?? system?.ffmpeg ?? npmTool('@ffmpeg-installer/ffmpeg'),
    ffprobe: ffprobe ?? system?.ffprobe ?? npmTool('@ffprobe-installer/ffprobe'),
  };
}

/** "ffmpeg 5.1.9-0+deb12u1 (system, /usr/bin/ffmpeg)" — for `vodflow dev` and `--verbose`. */
export function describeTool(name: 'ffmpeg' | 'ffprobe', tool: Tool): string {
  const version = tool.version ?? versionOf(tool.path, tool.env);
  const number = version ? (/version (\S+)/.exec(version)?.[1] ?? version) : 'did not run';
  return `${name} ${number} (${tool.source ?? 'explicit'}, ${tool.path})`;
}
