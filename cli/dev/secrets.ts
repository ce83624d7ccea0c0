// Secrets of the local stack (API key, webhook token, event signing secret), kept in the data
// dir so that a restart with the same --data does not break clients, curl scripts or event
// subscribers configured against the previous run. Formats match local/stack's own.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as z from 'zod';

const secretsSchema = z.object({
  API_KEYS: z.string().regex(/^[\w-]{8,200}$/),
  CALLBACK_TOKEN: z.string().regex(/^[\w-]{8,200}$/),
  EVENT_SIGNING_SECRET: z.string().regex(/^whsec_[A-Za-z0-9+/=]{16,200}$/),
});
export type LocalSecrets = z.infer<typeof secretsSchema>;

export const SECRETS_FILE = 'secrets.json';

const fresh = (): LocalSecrets => ({
  API_KEYS: `local-${randomBytes(12).toString('hex')}`,
  CALLBACK_TOKEN: randomBytes(16).toString('hex'),
  EVENT_SIGNING_SECRET: `whsec_${randomBytes(24).toString('base64')}`,
});

/** The secrets stored in `dataDir`, created on first use; an unreadable file is replaced. */
export async function loadOrCreateSecrets(dataDir: string): Promise<LocalSecrets> {
  const file = path.join(dataDir, SECRETS_FILE);
  try {
    const parsed = secretsSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (parsed.success) return parsed.data;
  } catch {
    // missing or not JSON: new secrets below
  }
  const secrets = fresh();
  await writeFile(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  return secrets;
}
