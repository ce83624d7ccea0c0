// Child of bench/emulator.ts: the emulator alone in this process (pinned to one core by the
// parent), reporting its own CPU time so the report can say whether the server was saturated.
import { startEmulator } from '../emulator';
import { toParent } from './proc';
import { profilingWanted, startProfiler, type ProfileSummary } from './profile';

const parent = toParent();
// Quotas off: this measures verify + dispatch, and 100 DescribeClass a minute would end it at once.
const emulator = await startEmulator({ log: false, env: false, rateLimits: false });
let since = process.cpuUsage();
let wallSince = performance.now();
// With BENCH_PROFILE=1: one profile over every counted round, handed over on 'profile'.
let stopProfiler: (() => Promise<ProfileSummary>) | undefined;
let rounds = 0;
parent.on(async (message) => {
  if (message === 'profile') {
    parent.send({ profile: stopProfiler ? await stopProfiler() : undefined });
  } else if (message === 'cpu-start') {
    // The first round is the warm-up: profiling starts with the second.
    if (profilingWanted() && ++rounds === 2) stopProfiler = await startProfiler('emulator process (counted rounds)');
    since = process.cpuUsage();
    wallSince = performance.now();
  } else if (message === 'cpu-stop') {
    const used = process.cpuUsage(since);
    parent.send({ cpuMs: (used.user + used.system) / 1000, sysMs: used.system / 1000, wallMs: performance.now() - wallSince });
  } else if (message === 'close') {
    await emulator.close();
    process.exit(0);
  }
});
parent.send({ endpoint: emulator.endpoint });
