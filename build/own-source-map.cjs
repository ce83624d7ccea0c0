// esbuild plugin: each bundle's source map keeps only vodflow's own sources. The whole map is read
// and JSON-parsed when a stack is first formatted (lib/aws/stack-traces, or Node itself under
// --enable-source-maps, then at every cold start); mappings into node_modules (the AWS SDK, zod,
// Powertools, middy: ~90 % of a map, 1.3 MB of 1.4 MB) cost that time and only name library
// internals. A stack frame in vodflow's code still maps to its .ts line; one inside a library
// shows the bundle's position. Code is untouched: only the .map files are rewritten.
//
// A library's code is not just left out: a lookup answers the nearest segment before the
// position, so without a segment of its own a frame inside zod or the SDK would be reported at the
// last vodflow line before it. Each run of library code starts with one segment into the source
// LIBRARY_SOURCE, which lib/aws/stack-traces treats as unmapped (the frame keeps its bundle position).
'use strict';
const { mkdirSync, writeFileSync } = require('node:fs');
const { dirname } = require('node:path');
const { decode, encode } = require('@jridgewell/sourcemap-codec');

const LIBRARY = /(^|[\\/])node_modules[\\/]/;
/** The one source all library code maps to (the same name is in lib/aws/stack-traces.ts). */
const LIBRARY_SOURCE = '(library code, not mapped)';

/** The map (JSON text) without the segments, sources and names of library code. */
function ownSourceMap(text) {
  const map = JSON.parse(text);
  const sourceIndex = new Map();
  const sources = [];
  map.sources.forEach((source, i) => {
    if (LIBRARY.test(source)) return;
    sourceIndex.set(i, sources.length);
    sources.push(source);
  });
  const nameIndex = new Map();
  const names = [];
  let library;
  // A segment is [column] or [column, source, line, sourceColumn(, name)].
  const lines = decode(map.mappings).map((line) => {
    const out = [];
    let inLibrary = false;
    for (const segment of line) {
      if (segment.length === 1) continue;
      if (!sourceIndex.has(segment[1])) {
        // The first segment of a run of library code marks where it starts.
        if (!inLibrary) out.push([segment[0], (library ??= sources.push(LIBRARY_SOURCE) - 1), 0, 0]);
        inLibrary = true;
        continue;
      }
      inLibrary = false;
      const kept = [segment[0], sourceIndex.get(segment[1]), segment[2], segment[3]];
      if (segment.length === 5) {
        if (!nameIndex.has(segment[4])) nameIndex.set(segment[4], names.push(map.names[segment[4]]) - 1);
        kept.push(nameIndex.get(segment[4]));
      }
      out.push(kept);
    }
    return out;
  });
  const own = { ...map, sources, names, mappings: encode(lines) };
  if (map.sourcesContent) {
    own.sourcesContent = map.sourcesContent.filter((_, i) => sourceIndex.has(i));
    if (library !== undefined) own.sourcesContent.push(null);
  }
  return JSON.stringify(own);
}

const ownSourceMapPlugin = {
  name: 'own-source-map',
  setup(build) {
    const options = build.initialOptions;
    // Only builds that write their files: the outputs are held back, the maps rewritten, then written.
    if (!options.sourcemap || options.write === false) return;
    options.write = false;
    build.onEnd((result) => {
      for (const file of result.outputFiles ?? []) {
        mkdirSync(dirname(file.path), { recursive: true });
        writeFileSync(file.path, file.path.endsWith('.map') ? ownSourceMap(file.text) : file.contents);
      }
    });
  },
};

module.exports = { LIBRARY_SOURCE, ownSourceMap, ownSourceMapPlugin };
