// Secrets are read at runtime from SSM Parameter Store (decrypted, cached per container), so
// `serverless package` needs no AWS access; the local stack passes plain values instead.
// Parameter Store is called without the SSM client (./ssm): its code is not parsed at cold start.
import { requireSecret, type SecretSetting } from '../config';
import { ssm } from './ssm';

const TTL_MS = 5 * 60_000;
const cache = new Map<string, { value: string; until: number }>();

export async function readSecret(setting: SecretSetting): Promise<string> {
  requireSecret(setting);
  if (setting.value !== undefined) return setting.value;
  const name = setting.param as string;
  const hit = cache.get(name);
  if (hit && hit.until > Date.now()) return hit.value;
  const value = await ssm().getParameter(name);
  if (!value) throw new Error(`SSM parameter ${name} (for ${setting.name}) is empty or missing`);
  cache.set(name, { value, until: Date.now() + TTL_MS });
  return value;
}

export function clearSecretCache(): void {
  cache.clear();
}
