// Where ffmpeg and ffprobe live: an explicit path, else FFMPEG_PATH / FFPROBE_PATH, else the
// static builds shipped by @ffmpeg-installer/ffmpeg and @ffprobe-installer/ffprobe (design §4).
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Tool {
  path: string;
  /** Extra environment for this binary. */
  env: Record<string, string>;
}

export interface MediaBinaries {
  ffmpeg: Tool;
  ffprobe: Tool;
}

export interface BinaryOptions {
  ffmpegPath?: string;
  ffprobePath?: string;
}

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

function resolveTool(explicit: string | undefined, envName: string, pkg: string): Tool {
  const chosen = explicit ?? process.env[envName];
  if (chosen) return { path: chosen, env: {} };
  return { path: packagePath(pkg), env: staticBuildEnv() };
}

export function resolveBinaries(opts: BinaryOptions = {}): MediaBinaries {
  return {
    ffmpeg: resolveTool(opts.ffmpegPath, 'FFMPEG_PATH', '@ffmpeg-installer/ffmpeg'),
    ffprobe: resolveTool(opts.ffprobePath, 'FFPROBE_PATH', '@ffprobe-installer/ffprobe'),
  };
}
