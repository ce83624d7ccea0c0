// `vodflow process` end to end on the real local stack: --json, with results coming back by polling only.
// One stack per file: handler modules (and their cached config) live once per process.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProcess } from '../../cli/process/run';
import { makeClip } from '../../emulator/media/fixtures';

const capture = () => {
  const stream = new PassThrough() as PassThrough & { isTTY?: boolean };
  let text = '';
  stream.on('data', (chunk) => (text += chunk));
  return { stream: stream as unknown as NodeJS.WriteStream, text: () => text };
};

describe('vodflow process --json', () => {
  let dir: string;
  let good: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vodflow-process-json-'));
    good = await makeClip({ path: join(dir, 'good.mp4'), seconds: 1, width: 320, height: 180 });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('--json prints one CloudEvent per file on stdout and nothing else', async () => {
    const out = capture();
    const { exitCode, results } = await runProcess(
      { files: [good], json: true, callbackMode: 'poll', keep: false, quiet: true, timeoutS: 120 },
      out.stream,
      capture().stream,
    );
    expect(results[0]?.error).toBeUndefined();
    expect(exitCode).toBe(0);
    const lines = out.text().trim().split('\n');
    expect(lines).toHaveLength(1);
    const event = JSON.parse(lines[0]!);
    expect(event).toMatchObject({ specversion: '1.0', type: 'vodflow.video.ready' });
  }, 120_000);
});
