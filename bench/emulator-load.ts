// Child of bench/emulator.ts: the load generator. Requests are signed before the clock starts
// (unique Nonce each, as the replay guard demands), so the server's figure carries no client
// signing; N keep-alive connections each send the next request as soon as the last answered.
import { Agent, request } from 'node:http';
import { DEV_ACCOUNT } from '../emulator';
import { signRequest } from '../lib/vod/signer';
import { percentile } from './measure';
import { toParent } from './proc';

interface Run {
  endpoint: string;
  concurrency: number;
  durationMs: number;
  /** Requests to sign in advance: more than the run can send. */
  presign: number;
  nonceBase: number;
}

const parent = toParent();

function presign(run: Run): Buffer[] {
  const timestamp = Math.floor(Date.now() / 1000);
  const bodies: Buffer[] = new Array(run.presign);
  for (let i = 0; i < run.presign; i++) {
    const signed = signRequest({
      endpoint: run.endpoint,
      action: 'DescribeClass',
      credentials: DEV_ACCOUNT,
      method: 'POST',
      timestamp,
      nonce: run.nonceBase + i,
    });
    bodies[i] = Buffer.from(signed.body!);
  }
  return bodies;
}

async function load(run: Run, bodies: Buffer[]) {
  const url = new URL(run.endpoint);
  const agent = new Agent({ keepAlive: true, maxSockets: run.concurrency });
  const latencies: number[] = [];
  let next = 0;
  let ok = 0;
  let failed = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  const until = start + run.durationMs;
  const one = (body: Buffer) =>
    new Promise<void>((resolve) => {
      const t0 = performance.now();
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': body.length },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (text += d));
          res.on('end', () => {
            latencies.push(performance.now() - t0);
            // The envelope starts with the code; a full JSON.parse would only load the client.
            if (res.statusCode === 200 && text.startsWith('{"code":0,')) ok++;
            else failed++;
            resolve();
          });
        },
      );
      req.on('error', () => {
        failed++;
        resolve();
      });
      req.end(body);
    });
  const worker = async () => {
    while (performance.now() < until && next < bodies.length) await one(bodies[next++]!);
  };
  await Promise.all(Array.from({ length: run.concurrency }, worker));
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  agent.destroy();
  return {
    ok,
    failed,
    seconds,
    exhausted: next >= bodies.length,
    reqPerS: ok / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    clientCpuShare: (used.user + used.system) / 1000 / (seconds * 1000),
  };
}

let go: (() => void) | undefined;
parent.on(async (message) => {
  if (message === 'close') process.exit(0);
  if (message === 'go') return go?.();
  const run = message as Run;
  const bodies = presign(run);
  // The parent starts the server's CPU clock between 'signed' and 'go'.
  const started = new Promise<void>((resolve) => (go = resolve));
  parent.send({ signed: bodies.length });
  await started;
  parent.send(await load(run, bodies));
});
parent.send({ ready: true });
