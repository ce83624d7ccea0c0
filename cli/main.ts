// Entry of the `vodflow` command. Each subcommand lives in cli/commands/<name>.ts and exports
// `register(program)`; the table below is the whole CLI. Only the module of the subcommand being
// run is loaded (the others pull in the local stack, the AWS SDK and ffmpeg plumbing); `--help`
// and unknown commands load them all.
import { readFileSync } from 'node:fs';
import { Command, type CommanderError } from 'commander';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

/** Exit status 2 for a command line commander rejects (README: "2 for usage errors"). */
const USAGE_ERRORS = new Set([
  'commander.unknownOption',
  'commander.unknownCommand',
  'commander.missingArgument',
  'commander.optionMissingArgument',
  'commander.missingMandatoryOptionValue',
  'commander.excessArguments',
  'commander.invalidArgument',
  'commander.conflictingOption',
]);
export const exitStatusOf = (err: CommanderError): number =>
  err.exitCode === 0 ? 0 : USAGE_ERRORS.has(err.code) || err.code === 'commander.help' ? 2 : err.exitCode;

const commands: Record<string, () => Promise<{ register(program: Command): void }>> = {
  process: () => import('./commands/process'),
  dev: () => import('./commands/dev'),
  emulator: () => import('./commands/emulator'),
  api: () => import('./commands/api'),
  explain: () => import('./commands/explain'),
  jobs: () => import('./commands/jobs'),
  sample: () => import('./commands/sample'),
};

const program = new Command('vodflow')
  .description('S3 → Tencent Cloud VOD (API 2.0 or 3.0) → video.ready / video.failed, with a local VOD emulator of both')
  .version(version, '-V, --version', 'print the vodflow version')
  .showHelpAfterError()
  .enablePositionalOptions()
  // Inherited by every subcommand registered below.
  .exitOverride((err) => process.exit(exitStatusOf(err)));

const requested = process.argv[2];
const only = requested !== undefined && Object.hasOwn(commands, requested) ? [commands[requested]!] : Object.values(commands);
for (const load of only) (await load()).register(program);

await program.parseAsync(process.argv);
