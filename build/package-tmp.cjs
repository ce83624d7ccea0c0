// A serverless plugin (serverless.yml → plugins) that gives each `serverless` run a temp folder of
// its own and removes it when the run ends. serverless-esbuild stages every function's zip in a
// folder under os.tmpdir() and never removes it: its release is a non-recursive remove of a full
// folder, whose error it swallows (upstream: floydspace/serverless-esbuild#589). Each `serverless
// package` or `deploy` left one folder of bundle and source map per function, about 2 MB each.
'use strict';
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

class OwnTempFolder {
  constructor() {
    const dir = mkdtempSync(join(tmpdir(), 'vodflow-serverless-'));
    // os.tmpdir() reads these on every call: TMPDIR on POSIX, TEMP and TMP on Windows.
    for (const name of ['TMPDIR', 'TEMP', 'TMP']) process.env[name] = dir;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
}

module.exports = OwnTempFolder;
