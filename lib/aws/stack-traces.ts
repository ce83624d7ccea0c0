// Stack traces of a bundled function, mapped to vodflow's sources when a stack is first formatted
// rather than at load. NODE_OPTIONS=--enable-source-maps made Node read and parse the bundle's map
// and scan the whole bundle for line lengths at every cold start (~9 % of an init, npm run bench
// -- --only coldstart), although most containers never format a stack. serverless.yml injects
// this module at the top of every bundle (custom.esbuild.inject); the first formatted stack reads
// `<bundle>.map` and maps each frame with Node's own SourceMap, as --enable-source-maps does.
// Outside a bundle (tests, the local runtime) and under Node's own --enable-source-maps it does nothing.
import { readFileSync } from 'node:fs';
import { SourceMap, type SourceMapping, type SourceMapPayload } from 'node:module';
import { basename, dirname, resolve } from 'node:path';

// The bundle's own path: esbuild's CommonJS output has __filename; an ES module run from source does not.
const bundle = typeof __filename === 'string' && __filename.endsWith('.cjs') ? __filename : undefined;

let map: SourceMap | null | undefined;

/** The bundle's map, read when a stack first has a frame in the bundle; null when it cannot be read (frames stay as they are). */
function bundleMap(file: string): SourceMap | null {
  if (map !== undefined) return map;
  try {
    const payload = JSON.parse(readFileSync(`${file}.map`, 'utf8')) as SourceMapPayload;
    // Sources are relative to the map; frames show them as absolute paths, as Node does.
    map = new SourceMap({ ...payload, sources: payload.sources.map((s) => resolve(dirname(file), s)) });
  } catch {
    map = null;
  }
  return map;
}

/** Where build/own-source-map.cjs maps all library code: such a frame keeps its bundle position. */
const LIBRARY_SOURCE = '(library code, not mapped)';

// Node's entries carry the original identifier as `name` (not in @types/node's SourceMapping).
type Entry = SourceMapping & { name?: string };
const mapped = (entry: SourceMapping | object): entry is Entry =>
  'originalSource' in entry && basename(entry.originalSource) !== LIBRARY_SOURCE;

/** The frame's original function name: the enclosing function's, else the name at its caller's call (as Node does). */
function originalName(sm: SourceMap, sites: NodeJS.CallSite[], i: number): string | undefined {
  const site = sites[i]!;
  const enclosing = sm.findEntry((site.getEnclosingLineNumber() ?? 0) - 1, (site.getEnclosingColumnNumber() ?? 0) - 1);
  if (mapped(enclosing) && enclosing.name) return enclosing.name;
  const caller = sites[i + 1];
  if (caller?.getFileName() !== site.getFileName()) return undefined;
  const at = sm.findEntry((caller.getLineNumber() ?? 0) - 1, (caller.getColumnNumber() ?? 0) - 1);
  return mapped(at) ? at.name : undefined;
}

/** One frame as Node's --enable-source-maps prints it: original name, file, line and column where the map has them. */
function frame(sites: NodeJS.CallSite[], i: number): string {
  const site = sites[i]!;
  const line = site.getLineNumber();
  const column = site.getColumnNumber();
  if (site.getFileName() !== bundle || !line || !column) return site.toString();
  const sm = bundleMap(bundle);
  if (!sm) return site.toString();
  const entry = sm.findEntry(line - 1, column - 1);
  if (!mapped(entry)) return site.toString();
  const type = site.getTypeName();
  const name = `${type !== null && type !== 'global' ? `${type}.` : ''}${originalName(sm, sites, i) || site.getFunctionName() || '<anonymous>'}`;
  // V8's own prefixes, as Node prints them: an awaited caller, a constructor call.
  const prefix = site.isAsync() ? 'async ' : site.isConstructor() ? 'new ' : '';
  return `${prefix}${name} (${entry.originalSource}:${entry.originalLine + 1}:${entry.originalColumn + 1})`;
}

function prepareStackTrace(error: Error, sites: NodeJS.CallSite[]): string {
  let head: string;
  try {
    head = Error.prototype.toString.call(error);
  } catch {
    head = '<error>';
  }
  return head + sites.map((_, i) => `\n    at ${frame(sites, i)}`).join('');
}

// Node's own mapping, when on, already does this. (Node ≥ 20 has a default Error.prepareStackTrace:
// replacing it is how a program formats its own stacks.)
if (bundle && !process.sourceMapsEnabled) Error.prepareStackTrace = prepareStackTrace;
