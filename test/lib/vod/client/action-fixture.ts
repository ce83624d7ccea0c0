// Shared setup of the action tests: one scripted server, one client, and helpers to read what the
// server received and to queue a success answer.
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import { createVodClient, type VodClient } from '../../../../lib/vod/client';
import type { FlatParams } from '../../../../lib/vod/params';
import { startScriptedVodServer, type ScriptedVodServer } from '../../../support/scripted-vod-server';

export const SECRET_KEY = 'Gu5t9xGARNpq86cd98joQYCN3Cozk1qA';
export const SHA = '0123456789abcdef0123456789abcdef01234567';
const COMMON = new Set(['Action', 'Region', 'Timestamp', 'Nonce', 'SecretId', 'Signature', 'SignatureMethod', 'Token']);

export interface ActionFixture {
  server: ScriptedVodServer;
  vod: VodClient;
  /** The one request's action params (common params removed), after checking action and signature. */
  sent(action: string): FlatParams;
  /** Queue a `code: 0` answer with these fields. */
  reply(json: Record<string, unknown>): void;
}

/** Registers the hooks of a test file and returns the fixture (fields valid inside tests). */
export function useActionFixture(): ActionFixture {
  const fixture = {} as ActionFixture;
  beforeAll(async () => {
    fixture.server = await startScriptedVodServer({ secretKey: SECRET_KEY });
    fixture.vod = createVodClient({
      secretId: 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA',
      secretKey: SECRET_KEY,
      endpoint: fixture.server.endpoint,
      uploadEndpoint: fixture.server.uploadEndpoint,
      retry: { maxAttempts: 1 },
    });
  });
  afterAll(() => fixture.server.close());
  beforeEach(() => fixture.server.reset());
  fixture.sent = (action) => {
    const { requests } = fixture.server;
    expect(requests).toHaveLength(1);
    const [req] = requests;
    expect(req?.action).toBe(action);
    expect(req?.signature.ok).toBe(true);
    return Object.fromEntries(Object.entries(req?.params ?? {}).filter(([k]) => !COMMON.has(k)));
  };
  fixture.reply = (json) => fixture.server.enqueue({ json: { code: 0, message: '', ...json } });
  return fixture;
}
