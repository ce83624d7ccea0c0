// Who may call the emulator. The development account uses the documented example credentials
// (reference §2.2), so anyone reading the API docs can sign requests by hand.
import * as z from 'zod';
import type { Account, CallbackMode } from './types';

export const DEV_ACCOUNT = {
  secretId: 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA',
  secretKey: 'Gu5t9xGARNpq86cd98joQYCN3Cozk1qA',
  appId: 1250000000,
} as const;

export const callbackModeSchema = z.enum(['http', 'reliable', 'none']);

export const accountSchema = z.object({
  secretId: z.string().min(1).max(128),
  secretKey: z.string().min(1).max(256),
  appId: z.number().int().positive(),
  callbackUrl: z.url({ protocol: /^https?$/ }).optional(),
  callbackMode: callbackModeSchema.optional(),
});

export class AccountBook {
  private readonly bySecretId = new Map<string, Account>();
  private readonly byAppId = new Map<number, Account>();

  constructor(accounts: Account[], defaults: { callbackUrl?: string; callbackMode?: CallbackMode }) {
    for (const raw of accounts) {
      const account: Account = { ...accountSchema.parse(raw) };
      account.callbackUrl ??= defaults.callbackUrl;
      account.callbackMode ??= defaults.callbackMode ?? (account.callbackUrl ? 'http' : 'none');
      this.bySecretId.set(account.secretId, account);
      if (!this.byAppId.has(account.appId)) this.byAppId.set(account.appId, account);
    }
  }

  get(secretId: string): Account | undefined {
    return this.bySecretId.get(secretId);
  }

  ofApp(appId: number): Account | undefined {
    return this.byAppId.get(appId);
  }

  secretKeyOf = (secretId: string): string | undefined => this.bySecretId.get(secretId)?.secretKey;

  all(): Account[] {
    return [...this.bySecretId.values()];
  }

  /** Runtime change of where events go; without appId it applies to every account. */
  setCallback(url: string | undefined, mode: CallbackMode, appId?: number): void {
    for (const account of this.bySecretId.values()) {
      if (appId !== undefined && account.appId !== appId) continue;
      account.callbackUrl = url;
      account.callbackMode = mode;
    }
  }
}
