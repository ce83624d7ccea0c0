// Child of bench/process.ts: one `vodflow process FILE` (the in-process local stack: S3/SQS
// stand-ins, DynamoDB, the emulator, every handler) in its own process, so its peak RSS is the
// stack's. ffmpeg runs in child processes of its own and is not counted here.
import { Writable } from 'node:stream';
import { runProcess } from '../cli/process/run';
import { toParent } from './proc';

const parent = toParent();
parent.on(async (message) => {
  if (message === 'close') process.exit(0);
  const { file } = message as { file: string };
  const rssBeforeKiB = Math.round(process.memoryUsage().rss / 1024);
  const start = performance.now();
  const { exitCode, results } = await runProcess(
    {
      files: [file],
      json: true,
      callbackMode: 'http',
      keep: false,
      quiet: true,
      timeoutS: 1800,
    },
    // The event comes back in `results`; the bench's own stdout stays its report.
    new Writable({ write: (_chunk, _encoding, done) => done() }) as NodeJS.WriteStream,
  );
  const ms = performance.now() - start;
  parent.send({
    ms,
    exitCode,
    type: results[0]?.event?.type ?? results[0]?.error,
    rssBeforeKiB,
    maxRssKiB: process.resourceUsage().maxRSS,
  });
});
parent.send({ ready: true });
