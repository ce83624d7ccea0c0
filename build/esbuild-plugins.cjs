// esbuild plugins for the function bundles (serverless.yml → custom.esbuild.plugins). CommonJS
// because serverless-esbuild require()s this file. The plugin only changes what gets bundled,
// never what the bundled code does; test/build/esbuild-plugins.test.ts runs a bundle to prove it.
'use strict';
const { dirname } = require('node:path');

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

// The other half of a small zod: our sources write `import * as z from 'zod'` (as zod 4's docs do).
// `import { z }` binds the namespace as one value, and esbuild then keeps every export of zod.

module.exports = [zodEnglishOnly];
