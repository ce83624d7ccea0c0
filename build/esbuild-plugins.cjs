// esbuild plugins for the function bundles (serverless.yml → custom.esbuild.plugins). CommonJS
// because serverless-esbuild require()s this file. The plugins only change what gets bundled (and
// what the source map covers), never what the bundled code does; test/build/esbuild-plugins.test.ts
// runs a bundle to prove it.
'use strict';
const { dirname } = require('node:path');
const { ownSourceMapPlugin } = require('./own-source-map.cjs');

// zod 4 re-exports every locale as a namespace (`export * as locales from "../locales/index.js"`
// in v4/classic/external.js and v4/core/index.js). Once that namespace object is built, all 41
// locales (~264 KB minified) are in the bundle although only English is ever used: zod registers
// `en` itself (v4/classic/schemas.js imports ../locales/en.js) and nothing here calls z.config().
// The index is replaced by one that exports only `en`, so `z.locales.en` still works.
const ZOD_LOCALES_INDEX = /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.c?js$/;

const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(build) {
    build.onLoad({ filter: ZOD_LOCALES_INDEX }, (args) => ({
      contents: args.path.endsWith('.cjs')
        ? '"use strict";\nexports.en = require("./en.cjs").default;\n'
        : 'export { default as en } from "./en.js";\n',
      loader: 'js',
      resolveDir: dirname(args.path),
    }));
  },
};

// zod 4.2+ gives every schema a `.toJSONSchema()` method, so its JSON Schema generator (~18 KB
// minified) is in every bundle although no handler generates a schema (lib/events/schema.ts runs
// at build time, from source). The two modules are replaced by ones exporting the same names, each
// a function that says so if it is ever called; parsing never calls them.
const ZOD_JSON_SCHEMA = /[\\/]zod[\\/]v4[\\/]core[\\/](json-schema-processors|to-json-schema)\.js$/;
const EXPORTED = /^export (?:function|const|let|class) ([A-Za-z_$][\w$]*)|^export \{ (\w+) as (\w+) \}/gm;

const zodWithoutJsonSchema = {
  name: 'zod-without-json-schema',
  setup(build) {
    build.onLoad({ filter: ZOD_JSON_SCHEMA }, async (args) => {
      const source = await require('node:fs/promises').readFile(args.path, 'utf8');
      const names = [...source.matchAll(EXPORTED)].map((m) => m[1] ?? m[3]);
      const stub = 'const absent = () => { throw new Error("zod JSON Schema generation is not bundled in vodflow functions"); };\n';
      // create*Method factories run when a schema is built: they return the throwing method.
      const lines = names.map((n) => (/^create\w+Method$/.test(n) ? `export const ${n} = () => absent;` : `export const ${n} = absent;`));
      return { contents: stub + lines.join('\n') + '\n', loader: 'js', resolveDir: dirname(args.path) };
    });
  },
};

// The other half of a small zod: our sources write `import * as z from 'zod'` (as zod 4's docs do).
// `import { z }` binds the namespace as one value, and esbuild then keeps every export of zod.

module.exports = [zodEnglishOnly, zodWithoutJsonSchema, ownSourceMapPlugin];
