// Uncompressed size of each function's bundle (the .cjs, not its source map) in the packaged zips:
// Lambda cold starts grow with the code loaded, so every bundle stays under BUNDLE_LIMIT_BYTES.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import yauzl from 'yauzl';

export const BUNDLE_LIMIT_BYTES = 250 * 1024;

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
