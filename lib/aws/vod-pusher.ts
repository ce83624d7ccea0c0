// The push-upload half of the provider seam for initiate-upload, by VOD_API_VERSION.
import { config } from '../config';
import { createV2Pusher, createV3Pusher } from '../vod/provider/push';
import type { VodPusher } from '../vod/provider';
import { vodClient } from './vod';
import { vodV3Client } from './vod-provider';

export async function vodPusher(): Promise<VodPusher> {
  if (config().vod.apiVersion === 'v2') return createV2Pusher(await vodClient());
  const { client, secretId, secretKey } = await vodV3Client();
  return createV3Pusher(client, { secretId, secretKey });
}
