// The browser for the console tests: Debian's chromium (or CHROME_PATH) driven by puppeteer-core.
// No browser download happens here; without one the tests say so and skip.
import { existsSync } from 'node:fs';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

const CANDIDATES = [
  process.env.CHROME_PATH,
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
];

export const browserPath: string | undefined = CANDIDATES.find((p): p is string => Boolean(p) && existsSync(p!));

export const NO_BROWSER = 'console browser tests skipped: no chromium found (CI: `apt-get install -y chromium`, or set CHROME_PATH)';

export async function launch(): Promise<Browser> {
  return puppeteer.launch({
    executablePath: browserPath,
    headless: true,
    // Root in a container has no user namespace sandbox; the page is our own, on loopback.
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--mute-audio', '--autoplay-policy=no-user-gesture-required', '--disable-gpu'],
  });
}

/** Screenshots land here; the path is printed so a person can look at them. */
export const SHOTS = process.env.CONSOLE_SHOTS ?? path.join(tmpdir(), 'vodflow-console-shots');

export async function shot(page: Page, name: string): Promise<string> {
  mkdirSync(SHOTS, { recursive: true });
  const file = path.join(SHOTS, `${name}.png`);
  await page.screenshot({ path: file as `${string}.png`, fullPage: true });
  return file;
}
