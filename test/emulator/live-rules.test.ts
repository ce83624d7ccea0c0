// Smaller rules of the live service, through Tencent's own qcloudapi-sdk where a client is
// involved: required parameters refused with 4000 naming them, Beijing-time date strings, the
// documented Timestamp window; and `vodflow emulator` on a bad or taken port.
import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_ACCOUNT, startEmulator, type RunningEmulator } from '../../emulator';
import { dateTime } from '../../emulator/actions/classes';
import { api } from './helpers';

type Callback = (error: Error | null, body: Record<string, any>) => void;
const Ctor = createRequire(import.meta.url)('qcloudapi-sdk') as new (
  d: Record<string, unknown>,
) => { request(data: Record<string, unknown>, opts: Record<string, unknown>, cb: Callback): void };

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startEmulator({ env: false, log: false });
});
afterAll(() => emu?.close());

const sdk = (data: Record<string, unknown>) =>
  new Promise<Record<string, any>>((resolve, reject) =>
    new Ctor({ SecretId: DEV_ACCOUNT.secretId, SecretKey: DEV_ACCOUNT.secretKey, Region: 'gz', serviceType: 'vod' }).request(
      data,
      { host: new URL(emu.url).host, protocol: 'http', path: '/v2/index.php', method: 'POST' },
      (e, b) => (e ? reject(e) : resolve(b)),
    ),
  );

describe('required parameters (qcloudapi-sdk)', () => {
  it('DeleteVodFile without priority, GetTaskList without status: 4000 naming the parameter', async () => {
    expect(await sdk({ Action: 'DeleteVodFile', fileId: '1' })).toMatchObject({ code: 4000, message: expect.stringContaining('priority') });
    expect(await sdk({ Action: 'GetTaskList' })).toMatchObject({ code: 4000, message: expect.stringContaining('status') });
    expect(await sdk({ Action: 'GetTaskList', status: 'FINISH' })).toMatchObject({ code: 0, data: { status: 'FINISH', taskList: [] } });
    expect(await sdk({ Action: 'DeleteVodFile', fileId: '1', priority: 0 })).toMatchObject({ code: 10008 });
  });

  it('InitUpload dataSize outside the accepted range is refused naming dataSize', async () => {
    const r = await api(
      emu.uploadEndpoint,
      'InitUpload',
      { fileName: 'a.mp4', fileSha: 'a'.repeat(40), fileSize: 10_000, dataSize: 100 },
      { body: Buffer.alloc(0) },
    );
    expect(r).toMatchObject({ code: -10003, canRetry: 0, message: expect.stringContaining('dataSize') });
  });
});

describe('dates and time', () => {
  it('date strings are Beijing time (UTC+8), whatever the machine zone', async () => {
    expect(dateTime(0)).toBe('1970-01-01 08:00:00');
    expect(dateTime(1_485_156_352)).toBe('2017-01-23 15:25:52');
    const { data } = await sdk({ Action: 'DescribeClass' });
    expect(data[0]).toMatchObject({ id: '0', create_time: '1970-01-01 08:00:00' });
  });

  it('accepts a Timestamp within 2 hours (the VOD error table) and refuses one outside with 4500', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect((await api(emu.endpoint, 'DescribeClass', {}, { timestamp: now - 7000 })).code).toBe(0);
    expect((await api(emu.endpoint, 'DescribeClass', {}, { timestamp: now + 7000 })).code).toBe(0);
    expect((await api(emu.endpoint, 'DescribeClass', {}, { timestamp: now - 7300 })).code).toBe(4500);
  });
});

describe('vodflow emulator on a bad or taken port', () => {
  const bin = fileURLToPath(new URL('../../cli/bin.mjs', import.meta.url));
  const run = (args: string[]) =>
    new Promise<{ code: number; stderr: string }>((resolve) =>
      execFile(process.execPath, [bin, 'emulator', ...args], { timeout: 30_000 }, (err, _out, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stderr }),
      ),
    );

  it('answers in one line, no stack trace, exit code 1', async () => {
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const port = (taken.address() as { port: number }).port;
    try {
      for (const [args, says] of [
        [['--port', String(port), '--data', '/tmp/vodflow-port-test'], `port ${port} is already in use`],
        [['--port', 'abc'], '--port must be 0…65535, got abc'],
        [['--port', '70000'], '--port must be 0…65535, got 70000'],
      ] as const) {
        const r = await run([...args]);
        expect(r.code, args.join(' ')).toBe(1);
        expect(r.stderr.trim().split('\n'), args.join(' ')).toEqual([
          `vodflow emulator: ${says}${says.startsWith('port') ? ' on 127.0.0.1; choose another with --port (0 = any free port)' : ''}`,
        ]);
      }
    } finally {
      taken.close();
    }
  }, 60_000);
});
