// Secrets are read at runtime from SSM Parameter Store (decrypted, cached per container), so
// `serverless package` needs no AWS access; the local stack passes plain values instead.
// @aws-sdk/client-ssm is loaded on the first read from SSM only: functions given plain values,
// and every cold start before its first secret, skip running its module code (esbuild's CommonJS
// output keeps it in the bundle, wrapped to run on this import).
// Measured and not shipped: the SSM client as a separate file in each zip, required here. V8 then
// does not parse its 174 KB at init (publish-result: −6 ms CPU of ~92), but that file carries its
// own copy of the SDK core (369 KB), so the first read from SSM — the first call of most deployed
// functions reads a secret (VOD keys, API keys, tokens) — paid more than the init saved (DynamoDB + SQS entry: init 89 → 75 ms CPU,
// init + first SSM client 112 → 120 ms; ad-hoc interleaved spawns, load ~5).
import { requireSecret, type SecretSetting } from '../config';
import { memo } from './memo';

type SsmSdk = typeof import('./ssm-sdk');

let sdk: SsmSdk | undefined;
const loadSdk = async (): Promise<SsmSdk> => (sdk ??= await import('./ssm-sdk'));
// Built only after loadSdk() resolved; rebuilt like every client when the AWS settings change.
const ssm = memo(() => new (sdk as SsmSdk).SSMClient({}));

const TTL_MS = 5 * 60_000;
const cache = new Map<string, { value: string; until: number }>();

export async function readSecret(setting: SecretSetting): Promise<string> {
  requireSecret(setting);
  if (setting.value !== undefined) return setting.value;
  const name = setting.param as string;
  const hit = cache.get(name);
  if (hit && hit.until > Date.now()) return hit.value;
  const { GetParameterCommand } = await loadSdk();
  const out = await ssm().send(new GetParameterCommand({ Name: name, WithDecryption: true }));
  const value = out.Parameter?.Value;
  if (!value) throw new Error(`SSM parameter ${name} (for ${setting.name}) is empty or missing`);
  cache.set(name, { value, until: Date.now() + TTL_MS });
  return value;
}

export function clearSecretCache(): void {
  cache.clear();
}
