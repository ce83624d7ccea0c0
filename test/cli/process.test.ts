// `vodflow process` end to end on the real local stack, twice in one process: a good clip and a
// broken one with HTTP callbacks, then --json with polling only.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDisplay } from '../../cli/process/display';
import { runProcess } from '../../cli/process/run';
import { createMediaEngine } from '../../emulator/media';
import { makeBroken, makeClip } from '../../emulator/media/fixtures';

const capture = () => {
  const stream = new PassThrough() as PassThrough & { isTTY?: boolean };
  let text = '';
  stream.on('data', (chunk) => (text += chunk));
  return { stream: stream as unknown as NodeJS.WriteStream, text: () => text };
};

/**
 * A terminal for stdout and stderr together: renders the text, newlines and the three escapes the
 * progress display uses (cursor up, erase line, erase down) into the screen's lines.
 */
const terminal = () => {
  const screen: string[] = [''];
  let row = 0;
  const write = (chunk: string | Uint8Array) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    for (const [, up, code, char] of text.matchAll(/\x1b\[(\d*)([AKJ])|([^\x1b])/gsu)) {
      if (code === 'A') row = Math.max(0, row - Number(up || 1));
      else if (code === 'K') screen[row] = '';
      else if (code === 'J') screen.splice(row);
      else if (char === '\n') row++;
      else screen[row] = (screen[row] ?? '') + char;
      while (screen.length <= row) screen.push('');
    }
    return true;
  };
  const stream = Object.assign(new PassThrough(), { isTTY: true, columns: 200, write });
  return { stream: stream as unknown as NodeJS.WriteStream, screen };
};

describe('vodflow process', () => {
  let dir: string;
  let good: string;
  let broken: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vodflow-process-'));
    good = await makeClip({ path: join(dir, 'good.mp4'), seconds: 1, width: 320, height: 180 });
    broken = await makeBroken('truncated', join(dir, 'broken.mp4'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('on a terminal that reports 0 columns, a progress line is drawn whole', () => {
    const tty = terminal();
    Object.assign(tty.stream, { columns: 0 });
    const display = createDisplay(tty.stream, true);
    display.add('clip.mp4');
    display.stop();
    expect(tty.screen).toEqual(['clip.mp4  waiting', '']);
  });

  it('on a terminal, the progress lines never draw over a summary printed above them', async () => {
    // The broken file's summary is printed while the good one is still processing; the progress
    // lines are redrawn every 150 ms after it, and must stay below it.
    const tty = terminal();
    await runProcess(
      { files: [broken, good], json: false, callbackMode: 'http', keep: false, quiet: false, timeoutS: 120 },
      tty.stream,
      tty.stream,
    );
    const screen = tty.screen.join('\n');
    expect(screen).toMatch(/✘ broken\.mp4: failed with VOD code -43001[\s\S]*\n {2}more {11}vodflow explain -43001\n\n/);
    expect(screen).toMatch(/✔ good\.mp4: ready[\s\S]*\n\nbroken\.mp4 {2}failed {2}VOD code -43001\ngood\.mp4 {2}ready\n/);
  });

  it('says where a timed-out job can still be looked at: nowhere in memory, the dev stack on its --data', async () => {
    const dataDir = join(dir, 'kept data');
    const reasons: string[] = [];
    for (const data of [undefined, dataDir]) {
      const { exitCode, results } = await runProcess(
        { files: [good], json: true, callbackMode: 'http', keep: false, quiet: true, timeoutS: 0.001, dataDir: data },
        capture().stream,
        capture().stream,
      );
      expect(exitCode).toBe(1);
      reasons.push(results[0]?.error ?? '');
    }
    const [inMemory, kept] = reasons as [string, string];
    expect(inMemory).toMatch(
      /^no result after 0\.001 s \(job \S+; its state was in memory and is gone with this run: give it a longer --timeout, or --data DIR to keep it\)$/,
    );
    const jobId = /\(job (\S+);/.exec(kept)?.[1];
    expect(jobId).toBeDefined();
    expect(kept).toContain(`vodflow dev --data '${dataDir}', then vodflow jobs show ${jobId} --data '${dataDir}'`);
  });

  it('makes a good clip ready and explains a broken one, exit 1', async () => {
    const out = capture();
    const err = capture();
    const outDir = join(dir, 'out');
    const { exitCode, results } = await runProcess(
      {
        files: [good, broken],
        json: false,
        definitions: [20, 210],
        callbackMode: 'http',
        outDir,
        keep: false,
        quiet: false,
        timeoutS: 120,
      },
      out.stream,
      err.stream,
    );
    expect(exitCode).toBe(1);
    const [ready, failed] = results;
    expect(ready?.event?.type).toBe('vodflow.video.ready');
    expect(failed?.event?.type).toBe('vodflow.video.failed');
    if (failed?.event?.type !== 'vodflow.video.failed') throw new Error('unreachable');
    expect(failed.event.data.error).toMatchObject({ code: -43001, stage: 'probe', retryable: false });

    const text = out.text();
    expect(text).toMatch(/✔ good\.mp4: ready/);
    expect(text).toMatch(/✘ broken\.mp4: failed with VOD code -43001/);
    expect(text).toMatch(/what to do {5}The source file is damaged/);
    expect(err.text()).toMatch(/good\.mp4 {2}uploading/);

    // Outputs were copied and are real media at the advertised size.
    if (ready?.event?.type !== 'vodflow.video.ready') throw new Error('unreachable');
    const mp4 = ready.event.data.playSet.find((p) => p.definition === 20)!;
    const local = join(outDir, 'good', 'f0.f20.mp4');
    expect(existsSync(local)).toBe(true);
    const engine = createMediaEngine({ concurrency: 1 });
    try {
      const info = await engine.probeSource(local);
      expect({ width: info.width, height: info.height }).toEqual({ width: mp4.width, height: mp4.height });
    } finally {
      await engine.close();
    }
    expect(existsSync(join(outDir, 'good', 'f0.f210.m3u8'))).toBe(true);
  }, 120_000);

  it('--vod-api v3: the same files through API 3.0, the 3.0 presets and codes', async () => {
    const out = capture();
    const outDir = join(dir, 'out-v3');
    const { exitCode, results } = await runProcess(
      { files: [good, broken], json: false, callbackMode: 'reliable', outDir, keep: false, quiet: true, timeoutS: 120, vodApi: 'v3' },
      out.stream,
      capture().stream,
    );
    expect(exitCode).toBe(1);
    const [ready, failed] = results;
    if (ready?.event?.type !== 'vodflow.video.ready' || failed?.event?.type !== 'vodflow.video.failed')
      throw new Error(`unexpected: ${out.text()}`);
    expect(ready.event.data.playSet.map((p) => p.definition)).toEqual([0, 100020, 100210]);
    expect(failed.event.data.error).toMatchObject({ code: 'SourceFileError.ContentMalformed', stage: 'source', retryable: false });
    expect(out.text()).toMatch(/✘ broken\.mp4: failed with VOD code SourceFileError\.ContentMalformed/);
    expect(existsSync(join(outDir, 'good', 'f0.f100020.mp4'))).toBe(true);
  }, 120_000);

  it("--json prints one CloudEvent per file on stdout and nothing else; the caller's VOD_DEFINITIONS is used", async () => {
    const out = capture();
    // Before, serverless.yml's default for the param replaced the caller's variable.
    const before = process.env.VOD_DEFINITIONS;
    process.env.VOD_DEFINITIONS = '10';
    const { exitCode, results } = await runProcess(
      { files: [good], json: true, callbackMode: 'poll', keep: false, quiet: true, timeoutS: 120 },
      out.stream,
      capture().stream,
    ).finally(() => {
      if (before === undefined) delete process.env.VOD_DEFINITIONS;
      else process.env.VOD_DEFINITIONS = before;
    });
    expect(results[0]?.error).toBeUndefined();
    expect(exitCode).toBe(0);
    const lines = out.text().trim().split('\n');
    expect(lines).toHaveLength(1);
    const event = JSON.parse(lines[0]!);
    expect(event).toMatchObject({ specversion: '1.0', type: 'vodflow.video.ready' });
    expect(event.data.playSet.map((p: { definition: number }) => p.definition)).toEqual([0, 10]);
  }, 120_000);

  it('--subscriber POSTs the signed event to a local URL, retrying a failure, verifiable with the printed secret', async () => {
    const received: Array<{ headers: Record<string, string>; body: string }> = [];
    const sub = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ headers: req.headers as Record<string, string>, body });
        res.writeHead(received.length === 1 ? 500 : 200).end(); // the first delivery fails
      });
    });
    await new Promise<void>((r) => sub.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(sub.address() as AddressInfo).port}/hooks`;
    const err = capture();
    try {
      const { exitCode, results } = await runProcess(
        { files: [good], json: true, callbackMode: 'poll', keep: false, quiet: false, timeoutS: 120, subscribers: [url] },
        capture().stream,
        err.stream,
      );
      expect(exitCode).toBe(0);
      const secret = /verify with the secret (whsec_\S+)/.exec(err.text())?.[1];
      expect(secret).toBeDefined();
      expect(received).toHaveLength(2);
      const verified = new Webhook(secret!).verify(received[1]!.body, received[1]!.headers);
      expect(verified).toMatchObject({ id: results[0]!.event!.id, type: 'vodflow.video.ready' });
    } finally {
      sub.close();
    }
  }, 120_000);
});
