// The esbuild options serverless-esbuild builds a function with, read from serverless.yml's
// custom.esbuild, so that a test or the bench builds exactly what `serverless package` ships. The
// plugin's own keys are translated (exclude → external, outputFileExtension → outExtension, the
// plugins file → its plugins) or dropped (skipRebuild, packager).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildOptions, Plugin } from 'esbuild';
import { parse } from 'yaml';

const root = fileURLToPath(new URL('../', import.meta.url));

/** serverless-esbuild's settings that are not esbuild's. */
const PLUGIN_ONLY = new Set(['exclude', 'outputFileExtension', 'plugins', 'skipRebuild', 'packager', 'concurrency', 'zipConcurrency']);

export interface FunctionBuild {
  /** esbuild options for one function (add entryPoints and outdir/outfile). */
  options: BuildOptions;
  /** The bundle's extension (.cjs). */
  extension: string;
}

export function functionBuild(serverlessYml = join(root, 'serverless.yml')): FunctionBuild {
  const settings = (parse(readFileSync(serverlessYml, 'utf8')) as { custom: { esbuild: Record<string, unknown> } }).custom.esbuild;
  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(settings)) if (!PLUGIN_ONLY.has(key)) options[key] = value;
  const extension = (settings.outputFileExtension as string | undefined) ?? '.js';
  const plugins = settings.plugins ? (createRequire(import.meta.url)(join(root, settings.plugins as string)) as Plugin[]) : [];
  return {
    options: {
      ...(options as BuildOptions),
      absWorkingDir: root,
      external: (settings.exclude as string[] | undefined) ?? [],
      outExtension: { '.js': extension },
      plugins,
      logLevel: 'silent',
    },
    extension,
  };
}
