// The VOD provider for handlers, by VOD_API_VERSION: v2 wraps the v2 client of lib/aws/vod,
// v3 the API 3.0 client. Credentials from env or SSM; one instance per container and config.
import { config } from '../config';
import type { VodClient } from '../vod/client';
// The providers' own modules, not the ../vod/provider barrel: that one also carries the callback
// parser (and with it API 3.0's event schemas), which only vod-webhook needs.
import type { VodProvider } from '../vod/provider';
import { createV2Provider } from '../vod/provider/v2';
import { createV3Provider } from '../vod/provider/v3';
import { createVodV3Client, type VodV3Client } from '../vod/v3/client';
import { readSecret } from './secrets';
import { vodClient } from './vod';

let cached: { key: string; provider: VodProvider } | undefined;
let cachedV3: { key: string; client: VodV3Client; secretId: string; secretKey: string } | undefined;
const v2Providers = new WeakMap<VodClient, VodProvider>();

/** The API 3.0 client (and the keys it was made with) for the current configuration. */
export async function vodV3Client(): Promise<{ client: VodV3Client; secretId: string; secretKey: string }> {
  const { vod } = config();
  const [secretId, secretKey] = await Promise.all([readSecret(vod.secretId), readSecret(vod.secretKey)]);
  const key = [secretId, secretKey, vod.v3.endpoint, vod.v3.region, vod.v3.subAppId, vod.v3.storageEndpoint].join('\0');
  if (cachedV3?.key === key) return cachedV3;
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
  cachedV3 = { key, client, secretId, secretKey };
  return cachedV3;
}

export async function vodProvider(): Promise<VodProvider> {
  if (config().vod.apiVersion === 'v2') {
    const client = await vodClient();
    let provider = v2Providers.get(client);
    if (!provider) v2Providers.set(client, (provider = createV2Provider(client)));
    return provider;
  }
  const { client } = await vodV3Client();
  if (cached?.key !== client.endpoint || (cached.provider as { client?: unknown }).client !== client)
    cached = { key: client.endpoint, provider: Object.assign(createV3Provider(client), { client }) };
  return cached.provider;
}
