// The VOD provider for handlers, by VOD_API_VERSION: v2 wraps the v2 client of lib/aws/vod,
// v3 the API 3.0 client. Credentials from env or SSM; one instance per container and config.
import { config } from '../config';
import { createV2Provider, createV3Provider, type VodProvider } from '../vod/provider';
import { createVodV3Client } from '../vod/v3/client';
import { readSecret } from './secrets';
import { vodClient } from './vod';

let cached: { key: string; provider: VodProvider } | undefined;

export async function vodProvider(): Promise<VodProvider> {
  const { vod } = config();
  if (vod.apiVersion === 'v2') {
    const client = await vodClient();
    if (cached?.key !== 'v2' || (cached.provider as { client?: unknown }).client !== client) cached = { key: 'v2', provider: Object.assign(createV2Provider(client), { client }) };
    return cached.provider;
  }
  const [secretId, secretKey] = await Promise.all([readSecret(vod.secretId), readSecret(vod.secretKey)]);
  const key = ['v3', secretId, secretKey, vod.v3.endpoint, vod.v3.region, vod.v3.subAppId, vod.v3.storageEndpoint].join('\0');
  if (cached?.key === key) return cached.provider;
  const client = createVodV3Client({
    secretId,
    secretKey,
    endpoint: vod.v3.endpoint,
    region: vod.v3.region,
    subAppId: vod.v3.subAppId,
    storageEndpoint: vod.v3.storageEndpoint,
    timeoutMs: vod.timeoutMs,
    retry: { maxAttempts: 3, maxElapsedMs: 20_000 },
  });
  cached = { key, provider: createV3Provider(client) };
  return cached.provider;
}
