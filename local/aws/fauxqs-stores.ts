// fauxqs 1.9.2 exports buildApp (which accepts its stores) but not the store classes. The local
// stack needs the stores for persistence and for the S3 notification bridge, so they are loaded
// from the same files buildApp itself imports (same module instances).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BuildAppOptions } from 'fauxqs';

type Stores = NonNullable<BuildAppOptions['stores']>;
export type SqsStoreT = Stores['sqsStore'];
export type S3StoreT = Stores['s3Store'];
export type SnsStoreT = Stores['snsStore'];

export async function createFauxqsStores(): Promise<Stores> {
  const app = fauxqsEntry(); // file:///…/fauxqs/dist/app.js
  const load = async <T>(relative: string, name: string): Promise<new () => T> => {
    const mod = (await import(new URL(relative, app).href)) as Record<string, unknown>;
    const ctor = mod[name];
    if (typeof ctor !== 'function') throw new Error(`fauxqs: ${relative} no longer exports ${name} (the local stack expects fauxqs 1.9.x)`);
    return ctor as new () => T;
  };
  const [SqsStore, SnsStore, S3Store] = await Promise.all([
    load<SqsStoreT>('./sqs/sqsStore.js', 'SqsStore'),
    load<SnsStoreT>('./sns/snsStore.js', 'SnsStore'),
    load<S3StoreT>('./s3/s3Store.js', 'S3Store'),
  ]);
  return { sqsStore: new SqsStore(), snsStore: new SnsStore(), s3Store: new S3Store() };
}

/** fauxqs's exports map has only an `import` condition, so look for its entry file directly. */
function fauxqsEntry(): string {
  const dirs = createRequire(import.meta.url).resolve.paths('fauxqs') ?? [];
  for (const dir of dirs) {
    const entry = path.join(dir, 'fauxqs', 'dist', 'app.js');
    if (existsSync(entry)) return pathToFileURL(entry).href;
  }
  throw new Error('fauxqs is not installed (npm ci)');
}
