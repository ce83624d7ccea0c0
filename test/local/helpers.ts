// Shared by the local-stack tests: the fixture stack and a bounded wait.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../local/stack';
import { recorder } from './fixtures/handlers/recorder';

export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

export function startFixtureStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  return startLocalStack({
    configFile: path.join(FIXTURES, 'stack.yml'),
    emulator: false,
    schedules: false,
    logLevel: 'silent',
    ...options,
  });
}

export async function waitFor<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export const recorded = (name: string) => recorder().events[name] ?? [];
export const recordedContexts = (name: string) => recorder().contexts[name] ?? [];
