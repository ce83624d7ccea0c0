// Child of bench/upload.ts: one chunked upload (lib/vod/upload.ts uploadStream) to the emulator,
// in its own process so that its peak RSS (maxRSS) is the uploader's and nothing else's.
import { DEV_ACCOUNT } from '../emulator';
import { createVodClient } from '../lib/vod/client';
import { uploadStream } from '../lib/vod/upload';
import { toParent } from './proc';

const parent = toParent();
parent.on(async (message) => {
  if (message === 'close') process.exit(0);
  const { endpoint, file, chunkSize } = message as { endpoint: string; file: string; chunkSize: number };
  const client = createVodClient({
    secretId: DEV_ACCOUNT.secretId,
    secretKey: DEV_ACCOUNT.secretKey,
    endpoint,
    uploadEndpoint: endpoint,
    timeoutMs: 60_000,
  });
  const rssBeforeKiB = Math.round(process.memoryUsage().rss / 1024);
  const start = performance.now();
  const cpu = process.cpuUsage();
  // The first acknowledged part marks the end of the SHA-1 pass (and InitUpload).
  let firstPartMs: number | undefined;
  const onProgress = () => {
    firstPartMs ??= performance.now() - start;
  };
  const result = await uploadStream({ client, source: file, fileName: 'bench-upload.mp4', chunkSize, onProgress });
  const ms = performance.now() - start;
  // Every thread of the process (the hash workers too).
  const used = process.cpuUsage(cpu);
  parent.send({
    ms,
    cpuMs: (used.user + used.system) / 1000,
    sysMs: used.system / 1000,
    firstPartMs,
    size: result.size,
    instant: result.instant,
    parts: result.uploadedParts,
    rssBeforeKiB,
    maxRssKiB: process.resourceUsage().maxRSS,
  });
});
parent.send({ ready: true });
