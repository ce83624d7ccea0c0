// Secrets of the local stack (API key, webhook token, event signing secret), kept in the data
// dir so that a restart with the same --data does not break clients, curl scripts or event
// subscribers configured against the previous run. Formats match local/stack's own. The file is
// the user's: created once, then only read — a hand edit that does not parse stops the start
// with the field named, never a quiet regeneration — and kept owner-only.
import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as z from 'zod';

const token = /^[\w-]{8,200}$/;
const secretsSchema = z.object({
  // Comma-separated, as API_KEYS is everywhere (README): several keys, each accepted.
  API_KEYS: z
    .string()
    .max(4000)
    .refine(
      (v) => v.split(',').every((k) => token.test(k.trim())),
      'must be one or more keys of 8–200 letters, digits, _ or -, separated by commas',
    ),
  CALLBACK_TOKEN: z.string().regex(token, 'must be 8–200 letters, digits, _ or -'),
  EVENT_SIGNING_SECRET: z.string().regex(/^whsec_[A-Za-z0-9+/=]{16,200}$/, 'must be whsec_ followed by 16–200 base64 characters'),
});
export type LocalSecrets = z.infer<typeof secretsSchema>;

export const SECRETS_FILE = 'secrets.json';

export class SecretsFileError extends Error {
  override readonly name = 'SecretsFileError';
}

const fresh = (): LocalSecrets => ({
  API_KEYS: `local-${randomBytes(12).toString('hex')}`,
  CALLBACK_TOKEN: randomBytes(16).toString('hex'),
  EVENT_SIGNING_SECRET: `whsec_${randomBytes(24).toString('base64')}`,
});

/** The secrets stored in `dataDir`, created on first use; a file that does not parse is an error. */
export async function loadOrCreateSecrets(
  dataDir: string,
  warn: (message: string) => void = (m) => process.stderr.write(`${m}\n`),
): Promise<LocalSecrets> {
  const file = path.join(dataDir, SECRETS_FILE);
  let text: string | undefined;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new SecretsFileError(`cannot read ${file}: ${(error as Error).message}`);
  }
  if (text === undefined) {
    const secrets = fresh();
    await writeFile(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    return secrets;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new SecretsFileError(
      `${file} is not JSON (${(error as Error).message}); fix it, or delete it to get new secrets (clients using the old API key then need the new one)`,
    );
  }
  const parsed = secretsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new SecretsFileError(
      `${file}: ${issue.path.join('.') || 'file'} ${issue.message}; fix it, or delete the file to get new secrets`,
    );
  }
  const mode = statSync(file).mode & 0o777;
  if (mode & 0o077) {
    chmodSync(file, 0o600);
    warn(`vodflow dev: ${file} was readable by others (mode ${mode.toString(8)}); now 600 (owner only)`);
  }
  return parsed.data;
}
