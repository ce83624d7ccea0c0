// Hostile input against the VOD emulator: forged, tampered, replayed and stale signatures, the
// wrong host, missing and duplicated parameters, bad encodings, huge values and bodies, path
// traversal, SSRF pull URLs and plain garbage. 0 crashes, 0 5xx, every answer a documented code
// (the one code each attack must get, where it has one), and valid calls keep working throughout.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_ACCOUNT, startEmulator, type RunningEmulator } from '../../emulator';
import { signRequest } from '../../lib/vod/signer';
import { watchCrashes, type CrashWatch } from './support/crashes';
import { DOCUMENTED, hostileGenerator, KINDS, type Kind } from './support/hostile-vod';
import { recordScenario } from './support/report';
import { limitMs, SCALE, size } from './support/scale';

const TOTAL = size('fuzzRequests');
let emu: RunningEmulator;
let crashes: CrashWatch;
const started = Date.now();

beforeAll(async () => {
  crashes = watchCrashes();
  // Quotas (4400 past 100 calls/min) have their own test; here they would only turn the valid
  // calls interleaved with the attack into 4400s.
  emu = await startEmulator({ env: false, log: false, rateLimits: false });
});
afterAll(async () => {
  await emu?.close();
  crashes?.stop();
});

async function validCall(): Promise<number> {
  const signed = signRequest({ endpoint: emu.endpoint, action: 'DescribeAllClass', credentials: DEV_ACCOUNT, method: 'POST' });
  const res = await fetch(signed.url, { method: 'POST', body: signed.body, headers: signed.headers });
  return ((await res.json()) as { code: number }).code;
}

describe(`emulator under ${TOTAL} hostile requests (${SCALE})`, () => {
  it(
    'answers every one with a documented code, never a 5xx, and keeps serving valid calls',
    async () => {
      const next = hostileGenerator(emu.url, 20_260_511);
      const perKind = Object.fromEntries(KINDS.map((k) => [k, { sent: 0, wrong: 0 }])) as Record<Kind, { sent: number; wrong: number }>;
      const problems: string[] = [];
      let sent = 0;
      let http5xx = 0;
      let validOk = 0;
      let validCalls = 0;
      const one = async () => {
        const r = next();
        let res: Response;
        try {
          res = await fetch(r.url, r.init);
        } catch (err) {
          // A URL fetch itself refuses to build was never sent; a reset is the server's doing.
          if ((err as Error).name === 'TypeError' && !(err as { cause?: unknown }).cause) return;
          problems.push(`${r.kind}: no answer (${(err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message})`);
          sent++;
          return;
        }
        sent++;
        perKind[r.kind].sent++;
        const text = await res.text();
        if (res.status >= 500) {
          http5xx++;
          problems.push(`${r.kind}: HTTP ${res.status}`);
          return;
        }
        let code: unknown;
        try {
          code = (JSON.parse(text) as { code?: unknown }).code;
        } catch {
          problems.push(`${r.kind}: HTTP ${res.status}, not JSON: ${text.slice(0, 80)}`);
          return;
        }
        if (!DOCUMENTED.has(code as number) || (r.expectCode !== undefined && code !== r.expectCode)) {
          perKind[r.kind].wrong++;
          problems.push(
            `${r.kind}: code ${String(code)}${r.expectCode !== undefined ? ` (expected ${r.expectCode})` : ''}: ${text.slice(0, 120)}`,
          );
        }
        if (/\bat [\w.<>]+ \(|node:internal|\.ts:\d+/.test(text)) problems.push(`${r.kind}: stack trace in the answer`);
        // Nothing internal ever comes back: not a key, not the data dir, not a function's source.
        if (text.includes(DEV_ACCOUNT.secretKey) || text.includes(emu.dataDir) || /\[native code\]|"ctx":/.test(text))
          problems.push(`${r.kind}: internal state in the answer: ${text.slice(0, 120)}`);
      };
      for (let i = 0; i < TOTAL; i += 25) {
        await Promise.all(Array.from({ length: Math.min(25, TOTAL - i) }, one));
        if (i % 250 === 0) {
          validCalls++;
          if ((await validCall()) === 0) validOk++;
        }
      }
      const crash = crashes.count({ text: [], logs: [], extra: [], find: () => [], stop: () => undefined });
      const stats = emu.stats();

      await recordScenario('emulator-fuzz', `Hostile requests against the VOD emulator (${TOTAL})`, started, {
        requestsTried: sent,
        faultsInjected: sent,
        jobsHeld: 0,
        succeeded: 0,
        failed: 0,
        lost: 0,
        duplicated: 0,
        crashes: crash.uncaught,
        http5xx,
        maxAttempts: 0,
        backoff: 'n/a',
        notes: [
          `by kind: ${KINDS.map((k) => `${k} ${perKind[k].sent}${perKind[k].wrong ? ` (${perKind[k].wrong} wrong)` : ''}`).join(', ')}`,
          `answers by code: ${JSON.stringify(stats.codes)}`,
          `valid calls interleaved: ${validOk}/${validCalls} answered code 0; problems: ${problems.length}${problems.length ? ` — first: ${problems.slice(0, 3).join(' | ')}` : ''}`,
        ],
      });

      expect(problems.slice(0, 20)).toEqual([]);
      expect(http5xx).toBe(0);
      expect(crash.uncaught).toBe(0);
      expect(sent).toBeGreaterThanOrEqual(TOTAL * 0.95);
      expect(validOk).toBe(validCalls);
      for (const k of KINDS) expect(perKind[k].sent, k).toBeGreaterThan(0);
      expect(await validCall()).toBe(0);
    },
    limitMs(60_000, 180_000),
  );
});
