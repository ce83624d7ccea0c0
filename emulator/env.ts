// Emulator settings from the environment (used by `vodflow emulator`, `vodflow dev`, and any
// startEmulator call that does not pass env: false). A bad value fails at start, naming the variable.
import * as z from 'zod';
import { accountSchema, callbackModeSchema } from './accounts';
import { faultOptionsSchema, type FaultOptions } from './faults';
import { rateLimitOptionsSchema, type RateLimitOptions } from './rate-limits';
import type { Account, CallbackMode } from './types';

export interface EnvOptions {
  accounts?: Account[];
  callbackUrl?: string;
  callbackMode?: CallbackMode;
  allowPrivatePullHosts?: boolean;
  publicUrl?: string;
  faults?: FaultOptions;
  pullEventHoldMs?: number;
  eventRedeliveryMs?: number;
  defaultDefinitions?: number[];
  rateLimits?: RateLimitOptions;
}

function read<T>(
  env: NodeJS.ProcessEnv,
  name: string,
  schema: z.ZodType<T>,
  transform: (raw: string) => unknown = (r) => r,
): T | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  let value: unknown;
  try {
    value = transform(raw);
  } catch (err) {
    throw new Error(`${name}: ${(err as Error).message}`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new Error(`${name} is invalid: ${z.prettifyError(parsed.error).replaceAll('\n', '; ')}`);
  return parsed.data;
}

const json = (raw: string) => JSON.parse(raw) as unknown;
const num = (raw: string) => Number(raw);
const fraction = z.number().min(0).max(1);

export function optionsFromEnv(env: NodeJS.ProcessEnv): EnvOptions {
  const out: EnvOptions = {};
  const set = <K extends keyof EnvOptions>(key: K, value: EnvOptions[K] | undefined) => {
    if (value !== undefined) out[key] = value;
  };
  set('accounts', read(env, 'VOD_EMULATOR_ACCOUNTS', z.array(accountSchema).min(1), json));
  set('callbackUrl', read(env, 'VOD_EMULATOR_CALLBACK_URL', z.url({ protocol: /^https?$/ })));
  set('callbackMode', read(env, 'VOD_EMULATOR_CALLBACK_MODE', callbackModeSchema));
  const allowPrivate = read(env, 'VOD_EMULATOR_ALLOW_PRIVATE_PULL', z.enum(['0', '1', 'true', 'false']));
  if (allowPrivate !== undefined) out.allowPrivatePullHosts = allowPrivate === '1' || allowPrivate === 'true';
  set('publicUrl', read(env, 'VOD_EMULATOR_PUBLIC_URL', z.url({ protocol: /^https?$/ })));
  set('pullEventHoldMs', read(env, 'VOD_EMULATOR_PULL_EVENT_HOLD_MS', z.number().int().min(0).max(60_000), num));
  set('eventRedeliveryMs', read(env, 'VOD_EMULATOR_EVENT_REDELIVERY_MS', z.number().int().min(0), num));
  set(
    'defaultDefinitions',
    read(env, 'VOD_EMULATOR_DEFINITIONS', z.array(z.number().int().positive()).min(1), (r) => r.split(',').map(Number)),
  );
  // off, or a JSON object ({"defaultPerMinute":600,"perMinute":{"GetTaskInfo":1200}}).
  set(
    'rateLimits',
    read(env, 'VOD_EMULATOR_RATE_LIMITS', rateLimitOptionsSchema, (r) =>
      r === 'off' || r === '0' || r === 'false' ? false : JSON.parse(r),
    ),
  );

  const faults: Record<string, unknown> = read(env, 'VOD_EMULATOR_FAULTS', faultOptionsSchema, json) ?? {};
  const seed = read(env, 'VOD_EMULATOR_FAULT_SEED', z.number().int(), num);
  if (seed !== undefined) faults.seed = seed;
  for (const [name, key] of [
    ['VOD_EMULATOR_FAULT_6000', 'error6000'],
    ['VOD_EMULATOR_FAULT_503', 'http503'],
    ['VOD_EMULATOR_FAULT_DROP', 'drop'],
    ['VOD_EMULATOR_FAULT_DROP_AFTER', 'dropAfter'],
    ['VOD_EMULATOR_FAULT_4400', 'limitExceeded'],
    ['VOD_EMULATOR_FAULT_4200', 'expired'],
  ] as const) {
    const p = read(env, name, fraction, num);
    if (p !== undefined) faults[key] = p;
  }
  const delayMs = read(env, 'VOD_EMULATOR_FAULT_DELAY_MS', z.number().int().min(0).max(120_000), num);
  if (delayMs !== undefined) faults.delay = { ms: delayMs, fraction: read(env, 'VOD_EMULATOR_FAULT_DELAY', fraction, num) ?? 1 };
  const failStep = read(
    env,
    'VOD_EMULATOR_FAIL_STEP',
    z.tuple([z.string().min(1), z.number().int(), z.number().int().positive().optional()]),
    (r) => {
      const [taskType, code, times] = r.split(':');
      return times === undefined ? [taskType, Number(code)] : [taskType, Number(code), Number(times)];
    },
  );
  if (failStep) faults.failStep = { taskType: failStep[0], code: failStep[1], times: failStep[2] };
  if (Object.keys(faults).length) {
    const parsed = faultOptionsSchema.safeParse(faults);
    if (!parsed.success) throw new Error(`VOD_EMULATOR_FAULT*: ${z.prettifyError(parsed.error)}`);
    out.faults = parsed.data;
  }
  return out;
}
