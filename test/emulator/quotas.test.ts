// Per-action quotas as documented (100 calls/min, PullEvent/ConfirmEvent 1000, UploadPart 10000),
// on by default and answered with 4400; the 4400 and 4200 fault knobs; and vodflow's own VOD client
// backing off on the 4400 it will really get.
import { afterAll, describe, expect, it } from 'vitest';
import { DEV_ACCOUNT, startEmulator, type RunningEmulator } from '../../emulator';
import { optionsFromEnv } from '../../emulator/env';
import { createVodClient } from '../../lib/vod/client';
import { api } from './helpers';

const started: RunningEmulator[] = [];
const start = async (o: Parameters<typeof startEmulator>[0] = {}) => {
  const emu = await startEmulator({ env: false, log: false, ...o });
  started.push(emu);
  return emu;
};
afterAll(() => Promise.all(started.map((e) => e.close())));

describe('documented quotas', () => {
  it('are on by default: the 101st DescribeClass in a minute answers 4400, other actions still run', async () => {
    const emu = await start();
    const codes: number[] = [];
    for (let i = 0; i < 101; i += 25)
      codes.push(
        ...(await Promise.all(Array.from({ length: Math.min(25, 101 - i) }, () => api(emu.endpoint, 'DescribeClass')))).map((r) => r.code),
      );
    expect(codes.filter((c) => c === 0)).toHaveLength(100);
    const over = await api(emu.endpoint, 'DescribeClass');
    expect(over).toMatchObject({ code: 4400, codeDesc: 'LimitExceeded', message: expect.stringContaining('100 calls per minute') });
    // Quotas are per action (and per SecretId): DescribeAllClass is untouched.
    expect((await api(emu.endpoint, 'DescribeAllClass')).code).toBe(0);
    // PullEvent has 1000 a minute: 150 calls pass.
    const pulls = await Promise.all(Array.from({ length: 150 }, () => api(emu.endpoint, 'ConfirmEvent', { 'msgHandle.0': 'x' })));
    expect(pulls.filter((r) => r.code === 4400)).toHaveLength(0);
  });

  it('are configurable per action, by option and by VOD_EMULATOR_RATE_LIMITS, and can be turned off', async () => {
    const emu = await start({ rateLimits: { perMinute: { GetTaskList: 3 } } });
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push((await api(emu.endpoint, 'GetTaskList', { status: 'FINISH' })).code);
    expect(codes).toEqual([0, 0, 0, 4400]);
    const off = await start({ rateLimits: false });
    const many = await Promise.all(Array.from({ length: 120 }, () => api(off.endpoint, 'DescribeClass')));
    expect(many.every((r) => r.code === 0)).toBe(true);
    expect(optionsFromEnv({ VOD_EMULATOR_RATE_LIMITS: 'off' }).rateLimits).toBe(false);
    expect(optionsFromEnv({ VOD_EMULATOR_RATE_LIMITS: '{"defaultPerMinute":600}' }).rateLimits).toEqual({ defaultPerMinute: 600 });
    expect(() => optionsFromEnv({ VOD_EMULATOR_RATE_LIMITS: '{"defaultPerMinute":-1}' })).toThrow(/VOD_EMULATOR_RATE_LIMITS/);
  });
});

describe('fault knobs 4400 and 4200', () => {
  it('answer the chosen code for the chosen actions, and count it', async () => {
    const emu = await start({ faults: { limitExceeded: 1, actions: ['GetTaskInfo'] } });
    expect(await api(emu.endpoint, 'GetTaskInfo', { vodTaskId: 'x' })).toMatchObject({ code: 4400, codeDesc: 'LimitExceeded' });
    expect((await api(emu.endpoint, 'DescribeClass')).code).toBe(0);
    emu.setFaults({ expired: 1 });
    expect(await api(emu.endpoint, 'DescribeClass')).toMatchObject({ code: 4200, codeDesc: 'RequestExpired' });
    expect(emu.stats().faultsInjected).toMatchObject({ limitExceeded: 1, expired: 1 });
    expect(optionsFromEnv({ VOD_EMULATOR_FAULT_4400: '0.5', VOD_EMULATOR_FAULT_4200: '0.25' }).faults).toMatchObject({
      limitExceeded: 0.5,
      expired: 0.25,
    });
  });

  it('vodflow’s VOD client backs off on 4400 and gets through', async () => {
    const emu = await start({ faults: { seed: 7, limitExceeded: 0.5 } });
    const retries: number[] = [];
    const vod = createVodClient({
      secretId: DEV_ACCOUNT.secretId,
      secretKey: DEV_ACCOUNT.secretKey,
      endpoint: emu.endpoint,
      uploadEndpoint: emu.uploadEndpoint,
      retry: { maxAttempts: 8, baseDelayMs: 5, maxDelayMs: 20 },
      onRetry: (info) => retries.push(info.attempt),
    });
    for (let i = 0; i < 10; i++) expect((await vod.call('DescribeClass')).body).toMatchObject({ code: 0 });
    expect(emu.stats().faultsInjected.limitExceeded).toBeGreaterThan(0);
    expect(retries.length).toBe(emu.stats().faultsInjected.limitExceeded);
  });
});
