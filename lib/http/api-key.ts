// API-key check for the public HTTP endpoints: `x-api-key` must equal one of the configured keys
// (API_KEYS, or the SSM parameter API_KEYS_PARAM holding a comma-separated list). Compared in
// constant time over fixed-length digests, so neither the content nor the length leaks. A request
// the gateway's JWT authorizer already verified needs no key.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareObj } from '@middy/core';
import { readSecret } from '../aws/secrets';
import { config } from '../config';
import { httpError } from './errors';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** True when `candidate` equals any of `secrets`; every secret is compared, match or not. */
export function matchesAny(candidate: string, secrets: readonly string[]): boolean {
  const c = digest(candidate);
  let ok = false;
  for (const secret of secrets) ok = timingSafeEqual(c, digest(secret)) || ok;
  return ok;
}

export async function apiKeys(): Promise<string[]> {
  const raw = await readSecret(config().apiKeys);
  return raw
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
}

type AuthEvent = {
  headers?: Record<string, string | undefined>;
  requestContext?: { authorizer?: { jwt?: { claims?: Record<string, unknown> } } };
};

export const apiKeyAuth = (): MiddlewareObj<AuthEvent> => ({
  before: async (request) => {
    // A route behind the HTTP API's JWT authorizer (serverless.yml JwtAuthorizer): API Gateway verified the
    // token (issuer, audience, expiry, signature) and put its claims here; clients cannot set them.
    if (request.event.requestContext?.authorizer?.jwt?.claims) return;
    const presented = request.event.headers?.['x-api-key'];
    if (!presented || !matchesAny(presented, await apiKeys())) {
      throw httpError(401, 'unauthorized', 'a valid x-api-key header is required');
    }
  },
});
