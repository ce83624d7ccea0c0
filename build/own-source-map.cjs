// esbuild plugin: each bundle's source map keeps only vodflow's own sources. The whole map is read
// and JSON-parsed when a stack is first formatted (lib/aws/stack-traces, or Node itself under
// --enable-source-maps, then at every cold start); mappings into node_modules (the AWS SDK, zod,
// Powertools, middy: ~90 % of a map, 1.3 MB of 1.4 MB) cost that time and only name library
// internals. A stack frame in vodflow's code still maps to its .ts line; one inside a library
// shows the bundle's position. Code is untouched: only the .map files are rewritten.
'use strict';
const { mkdirSync, writeFileSync } = require('node:fs');
const { dirname } = require('node:path');
const { decode, encode } = require('@jridgewell/sourcemap-codec');

const LIBRARY = /(^|[\\/])node_modules[\\/]/;

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
  // A segment is [column] or [column, source, line, sourceColumn(, name)].
  const lines = decode(map.mappings).map((line) =>
    line
      .filter((segment) => segment.length > 1 && sourceIndex.has(segment[1]))
      .map((segment) => {
        const out = [segment[0], sourceIndex.get(segment[1]), segment[2], segment[3]];
        if (segment.length === 5) {
          if (!nameIndex.has(segment[4])) nameIndex.set(segment[4], names.push(map.names[segment[4]]) - 1);
          out.push(nameIndex.get(segment[4]));
        }
        return out;
      }),
  );
  const own = { ...map, sources, names, mappings: encode(lines) };
  if (map.sourcesContent) own.sourcesContent = map.sourcesContent.filter((_, i) => sourceIndex.has(i));
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

module.exports = { ownSourceMap, ownSourceMapPlugin };
