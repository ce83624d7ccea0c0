// SSRF through the local stack's emulator (issue #17 item 7): MultiPullVodFile may reach loopback
// (where the local S3 lives) and public hosts only — never a dev VM's metadata service, its LAN,
// or private space behind an IPv6 transition prefix — and a slow source fails within the pull
// deadline with 10001 instead of holding a VOD task forever.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../local/stack';
import { FIXTURES } from '../local/helpers';
import { api, waitTask } from '../emulator/helpers';
import { recordScenario } from './support/report';

const DEADLINE_MS = 1_500;
const TARGETS = [
  'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
  'http://10.0.0.5/x.mp4',
  'http://192.168.1.1/x.mp4',
  'http://[::ffff:a9fe:a9fe]/x.mp4', // 169.254.169.254, IPv4-mapped
  'http://[2002:a9fe:a9fe::1]/x.mp4', // 6to4 of 169.254.169.254
  'http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/x.mp4', // Teredo
  'http://[fec0::1]/x.mp4', // site-local
  'http://[fd00::1]/x.mp4',
  'http://[64:ff9b::a00:1]/x.mp4', // NAT64 of 10.0.0.1
];

let stack: LocalStack;
let slow: Server;
let slowUrl: string;
const started = Date.now();

beforeAll(async () => {
  stack = await startLocalStack({
    configFile: path.join(FIXTURES, 'stack.yml'),
    schedules: false,
    logLevel: 'silent',
    emulator: { env: false, log: false, limits: { maxPullMs: DEADLINE_MS } },
  });
  // A source that answers and then trickles: never idle long enough for a socket timeout.
  slow = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': '100000' });
    const timer = setInterval(() => res.write(Buffer.alloc(10)), 100);
    res.on('close', () => clearInterval(timer));
  });
  await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
  slowUrl = `http://127.0.0.1:${(slow.address() as AddressInfo).port}/slow.mp4`;
});
afterAll(async () => {
  slow?.closeAllConnections();
  await new Promise((r) => slow?.close(r));
  await stack?.close();
});

describe('local stack: the emulator pulls only loopback and public hosts, within a deadline', () => {
  it('refuses private, link-local and transition-prefix targets before connecting', async () => {
    const refused: string[] = [];
    for (const url of TARGETS) {
      const r = await api(stack.emulator!.endpoint, 'MultiPullVodFile', { pullset: [{ url, fileName: 'x' }] });
      if (r.code === 4000 && /refused/.test(r.message)) refused.push(url);
    }
    expect(refused).toEqual(TARGETS);
    const notes = [
      `${refused.length}/${TARGETS.length} private targets refused with 4000 (metadata service, 10/8, 192.168/16, mapped, 6to4, Teredo, fec0::, fd00::, NAT64)`,
    ];

    const t0 = Date.now();
    const r = await api(stack.emulator!.endpoint, 'MultiPullVodFile', { pullset: [{ url: slowUrl, fileName: 'slow' }] });
    expect(r.code, 'loopback stays allowed: the local S3 lives there').toBe(0);
    const task = await waitTask(stack.emulator!.endpoint, r.data[0].vod_task_id, 20_000);
    const failedAfterMs = Date.now() - t0;
    expect(task.data).toMatchObject({ status: 10001, message: expect.stringMatching(/pull deadline/) });
    expect(failedAfterMs).toBeLessThan(DEADLINE_MS + 10_000);
    notes.push(
      `a trickling loopback source failed with 10001 after ${(failedAfterMs / 1000).toFixed(1)} s (deadline ${DEADLINE_MS / 1000} s; default PULL_DEADLINE_MS 600 s)`,
    );

    await recordScenario('ssrf', 'SSRF: private pull targets and a slow source (local stack)', started, {
      requestsTried: TARGETS.length + 1,
      faultsInjected: 1,
      jobsHeld: 0,
      succeeded: 0,
      failed: 1,
      lost: 0,
      duplicated: 0,
      crashes: 0,
      http5xx: 0,
      maxAttempts: 1,
      backoff: `slow pull failed after ${(failedAfterMs / 1000).toFixed(1)} s`,
      notes,
    });
  });
});
