// Uncompressed size of each function's bundle (the .cjs, not its source map) in the packaged zips.
// A bundle carries the AWS SDK (tree-shaken), and V8 parses all of it at every cold start, code
// run at load or not (~5 ms per 100 KB on the quiet bench machine, more under load):
// BUNDLE_LIMIT_BYTES caps that growth.
// It is the largest bundle measured (initiate-upload, ~0.81 MB since S3 is presigned without the S3
// client; it was 1.2 MB over ~0.94 MB before) with ~25 % headroom, far below Lambda's own limit
// (250 MB unzipped); `npm run bench -- --only coldstart` measures the init time itself.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import yauzl from 'yauzl';

export const BUNDLE_LIMIT_BYTES = 1_000_000;

export async function bundleSizes(packageDir: string): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  for (const zip of readdirSync(packageDir)
    .filter((f) => f.endsWith('.zip'))
    .sort()) {
    sizes.set(zip.replace(/\.zip$/, ''), await codeSize(join(packageDir, zip)));
  }
  return sizes;
}

function codeSize(file: string): Promise<number> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: false, autoClose: true }, (err: Error | null, zip: any) => {
      if (err) return reject(err);
      let total = 0;
      zip.on('entry', (entry: { fileName: string; uncompressedSize: number }) => {
        if (!entry.fileName.endsWith('.map')) total += entry.uncompressedSize;
      });
      zip.on('end', () => resolve(total));
      zip.on('error', reject);
    });
  });
}
