// The jobId reaches X-Ray: a UDP "daemon" on 127.0.0.1 receives what jobLogger sends during a
// traced invocation, in the daemon protocol (header line + independent subsegment).
import { createSocket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { jobLogger } from '../../../lib/aws/log';

const ROOT = '1-6756f2a1-0123456789abcdef01234567';
const saved = { daemon: process.env.AWS_XRAY_DAEMON_ADDRESS, trace: process.env._X_AMZN_TRACE_ID };
afterEach(() => {
  for (const [k, v] of [
    ['AWS_XRAY_DAEMON_ADDRESS', saved.daemon],
    ['_X_AMZN_TRACE_ID', saved.trace],
  ] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

async function daemon() {
  const server = createSocket('udp4');
  const received: string[] = [];
  server.on('message', (m) => received.push(m.toString()));
  await new Promise<void>((resolve) => server.bind(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, received, close: () => server.close() };
}

describe('X-Ray jobId annotation', () => {
  it('sends one annotated subsegment of the current trace when the invocation is sampled', async () => {
    const d = await daemon();
    process.env.AWS_XRAY_DAEMON_ADDRESS = `127.0.0.1:${d.port}`;
    process.env._X_AMZN_TRACE_ID = `Root=${ROOT};Parent=53995c3f42cd8ad8;Sampled=1;Lineage=1:abc:0`;
    jobLogger('up-k3v2q9m4x7c1d8f5h6j2n0p4rs');
    for (let i = 0; i < 100 && d.received.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    d.close();
    expect(d.received).toHaveLength(1);
    const [header, body] = d.received[0]!.split('\n');
    expect(JSON.parse(header!)).toEqual({ format: 'json', version: 1 });
    const subsegment = JSON.parse(body!);
    expect(subsegment).toMatchObject({
      type: 'subsegment',
      name: 'job',
      trace_id: ROOT,
      parent_id: '53995c3f42cd8ad8',
      annotations: { jobId: 'up-k3v2q9m4x7c1d8f5h6j2n0p4rs' },
    });
    expect(subsegment.id).toMatch(/^[0-9a-f]{16}$/);
    expect(subsegment.end_time).toBeGreaterThanOrEqual(subsegment.start_time);
  });

  it('sends nothing when the invocation is not sampled or not traced', async () => {
    const d = await daemon();
    process.env.AWS_XRAY_DAEMON_ADDRESS = `127.0.0.1:${d.port}`;
    process.env._X_AMZN_TRACE_ID = `Root=${ROOT};Parent=53995c3f42cd8ad8;Sampled=0`;
    jobLogger('up-aaaaaaaaaaaaaaaaaaaaaaaaaa');
    delete process.env._X_AMZN_TRACE_ID;
    jobLogger('up-bbbbbbbbbbbbbbbbbbbbbbbbbb');
    await new Promise((r) => setTimeout(r, 150));
    d.close();
    expect(d.received).toEqual([]);
  });
});
