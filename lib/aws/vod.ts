// The VOD client for handlers: credentials from env or SSM (lib/aws/secrets), endpoints from
// config, one instance per container. Retries inside the client stay well inside a Lambda's
// time budget; longer waits are the queues' job.
import { createVodClient, type VodClient } from '../vod/client';
import { config } from '../config';
import { readSecret } from './secrets';

let cached: { key: string; client: VodClient } | undefined;

export async function vodClient(): Promise<VodClient> {
  const { vod } = config();
  const [secretId, secretKey] = await Promise.all([readSecret(vod.secretId), readSecret(vod.secretKey)]);
  const key = [secretId, secretKey, vod.endpoint, vod.uploadEndpoint, vod.region, vod.signatureMethod].join('\0');
  if (cached?.key === key) return cached.client;
  const client = createVodClient({
    secretId,
    secretKey,
    endpoint: vod.endpoint,
    uploadEndpoint: vod.uploadEndpoint,
    region: vod.region,
    signatureMethod: vod.signatureMethod,
    timeoutMs: vod.timeoutMs,
    retry: { maxAttempts: 3, maxElapsedMs: 20_000 },
  });
  cached = { key, client };
  return client;
}
