// Entry of the `vodflow` command. Each subcommand lives in cli/commands/<name>.ts and exports
// `register(program)`; the list below is the whole CLI.
import { Command } from 'commander';

const program = new Command('vodflow')
  .description('S3 → Tencent Cloud VOD (API v2) → video.ready / video.failed, with a local VOD v2 emulator')
  .showHelpAfterError()
  .enablePositionalOptions();

const commands: Array<() => Promise<{ register(program: Command): void }>> = [
  () => import('./commands/explain'),
  () => import('./commands/api'),
  () => import('./commands/emulator'),
  () => import('./commands/sample'),
  () => import('./commands/process'),
];

for (const load of commands) (await load()).register(program);

await program.parseAsync(process.argv);
