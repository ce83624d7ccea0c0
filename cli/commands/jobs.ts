// `vodflow jobs [list|show ID|redrive]`: the operator's view of the tracking table and the DLQs,
// on the running `vodflow dev` (found through .vodflow/dev/dev.json) or on AWS (`--aws`).
import { InvalidArgumentError, type Command } from 'commander';
import { jobIdSchema } from '../../lib/jobs/types';
import { listJobs, parseStatus, renderJobList } from '../jobs/list';
import { redrive, RedriveError, renderRedrive } from '../jobs/redrive';
import { renderRetry, retryJob } from '../jobs/retry';
import { terminalJson } from '../jobs/format';
import { findJob, jobJson, renderJob } from '../jobs/show';
import { resolveTarget, TargetError, type JobsTarget, type TargetOptions } from '../jobs/target';

export interface JobsIO {
  out(text: string): void;
  err(text: string): void;
  setExitCode(code: number): void;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

const processIO: JobsIO = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
  setExitCode: (code) => {
    process.exitCode = code;
  },
};

type Common = TargetOptions & { json?: boolean };

const positiveInt = (value: string): number => {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('expected a positive integer');
  return Number(value);
};

const status = (value: string) => {
  const parsed = parseStatus(value);
  if (!parsed) throw new InvalidArgumentError('expected one of AWAITING_UPLOAD, QUEUED, UPLOADING, PROCESSING, SUCCEEDED, FAILED');
  return parsed;
};

function targetOptions(command: Command): Command {
  return command
    .option('--data <dir>', 'the vodflow dev data dir whose dev.json to use (default .vodflow/dev)')
    .option('--aws', 'look at AWS instead: resource names from serverless.yml, default credential chain')
    .option('--stage <stage>', "with --aws: the deployed stage (default: serverless.yml's, dev)")
    .option('--region <region>', "with --aws: the region (default: AWS_REGION, then serverless.yml's)")
    .option('--config <file>', "with --aws: the serverless.yml to read names from (default: the repository's)")
    .option('--json', 'print JSON');
}

/** An SDK failure in words: which service is unreachable or what is missing. */
function describeFailure(error: unknown, target: JobsTarget | undefined): string {
  if (error instanceof TargetError || error instanceof RedriveError) return error.message;
  const e = error as { name?: string; message?: string; code?: string; cause?: { code?: string } };
  const where = target ? ` (${target.description})` : '';
  if (e.name === 'ResourceNotFoundException') return `table ${target?.table ?? ''} not found${where}`;
  if (e.name === 'QueueDoesNotExist' || e.name === 'AWS.SimpleQueueService.NonExistentQueue')
    return `a queue does not exist${where}: ${e.message}`;
  const code = e.code ?? e.cause?.code;
  if (code === 'ECONNREFUSED') return `cannot connect${where}: is it still running?`;
  if (e.name === 'CredentialsProviderError') return `no AWS credentials: ${e.message}`;
  return `${e.message ?? String(error)}${where}`;
}

async function withTarget(options: Common, io: JobsIO, work: (target: JobsTarget) => Promise<void>): Promise<void> {
  let target: JobsTarget | undefined;
  try {
    target = resolveTarget(options, io.env ?? process.env, io.cwd ?? process.cwd());
    await work(target);
  } catch (error) {
    io.err(`vodflow jobs: ${describeFailure(error, target)}\n`);
    io.setExitCode(1);
  } finally {
    target?.close();
  }
}

export async function runList(
  options: Common & { status?: ReturnType<typeof status>; limit?: number },
  io: JobsIO = processIO,
): Promise<void> {
  await withTarget(options, io, async (target) => {
    const list = await listJobs(target, { status: options.status, limit: options.limit ?? 50 });
    if (options.json) {
      io.out(`${terminalJson(list.rows)}\n`);
      if (list.truncated) io.err('vodflow jobs: the scan stopped early; older items were not read\n');
      return;
    }
    io.out(renderJobList(list, { status: options.status }));
  });
}

export async function runShow(id: string, options: Common, io: JobsIO = processIO): Promise<void> {
  // Job ids, and VOD task ids (their TASK# item names the job).
  if (!jobIdSchema.safeParse(id).success && !/^[\w.-]{1,128}$/.test(id)) {
    io.err(`vodflow jobs: ${JSON.stringify(id)} is neither a job id nor a VOD task id\n`);
    io.setExitCode(1);
    return;
  }
  await withTarget(options, io, async (target) => {
    const found = await findJob(target, id);
    if (!found.found) {
      io.err(`vodflow jobs: no job ${id} in ${target.table} (${target.description})\n`);
      io.setExitCode(1);
      return;
    }
    if (!found.job) {
      io.err(`vodflow jobs: the item for ${id} is not a valid job record (${found.problem}); shown as stored\n`);
      io.out(`${terminalJson(found.raw)}\n`);
      return;
    }
    io.out(options.json ? `${terminalJson(jobJson(found.job))}\n` : renderJob(found.job, found.viaTask));
  });
}

export async function runRetry(id: string, options: Common & { force?: boolean }, io: JobsIO = processIO): Promise<void> {
  if (!jobIdSchema.safeParse(id).success) {
    io.err(`vodflow jobs: ${JSON.stringify(id)} is not a job id\n`);
    io.setExitCode(1);
    return;
  }
  await withTarget(options, io, async (target) => {
    const result = await retryJob(target, id, { force: options.force });
    io.out(options.json ? `${JSON.stringify(result, null, 2)}\n` : renderRetry(result));
    if (!result.sent) io.setExitCode(1);
  });
}

export async function runRedrive(options: Common & { queue?: string; dryRun?: boolean }, io: JobsIO = processIO): Promise<void> {
  await withTarget(options, io, async (target) => {
    const reports = await redrive(target, { queue: options.queue, dryRun: options.dryRun });
    io.out(options.json ? `${JSON.stringify(reports, null, 2)}\n` : renderRedrive(reports, options.dryRun ?? false));
    if (reports.some((r) => r.failed > 0)) io.setExitCode(1);
  });
}

export function register(program: Command, io: JobsIO = processIO): void {
  const jobs = program
    .command('jobs')
    .description('operator view of the jobs table and the dead-letter queues (dev stack or AWS)')
    .addHelpText(
      'after',
      `
Target: the running \`vodflow dev\` (./.vodflow/dev/dev.json, or --data DIR); with --aws, AWS (names
from serverless.yml for --stage; SDK credential chain; AWS_ENDPOINT_URL_* honoured). Without a dev
stack, AWS_ENDPOINT_URL(_DYNAMODB) set means that endpoint with serverless.yml's names.

Examples:
  vodflow jobs list --status FAILED
  vodflow jobs show up-7dpyq4kzk2m3vl6xw1c5h3n2ab
  vodflow jobs retry up-7dpyq4kzk2m3vl6xw1c5h3n2ab
  vodflow jobs redrive --dry-run
  vodflow jobs list --aws --stage prod --region eu-west-1`,
    );

  targetOptions(jobs.command('list', { isDefault: true }).description('jobs, newest update first'))
    .option('--status <status>', 'only jobs in this status (e.g. FAILED)', status)
    .option('--limit <n>', 'show at most n jobs', positiveInt, 50)
    .action((options: Common & { status?: ReturnType<typeof status>; limit: number }) => runList(options, io));

  targetOptions(
    jobs
      .command('show')
      .description('one job in full; for a failed job, why it failed and what to do')
      .argument('<id>', 'job id (or a VOD task id)'),
  ).action((id: string, options: Common) => runShow(id, options, io));

  targetOptions(
    jobs
      .command('retry')
      .description('send again the message that moves a stuck job on (its handler died mid-step)')
      .argument('<id>', 'job id'),
  )
    .option('--force', 'send even while a handler holds the step')
    .action((id: string, options: Common & { force?: boolean }) => runRetry(id, options, io));

  targetOptions(jobs.command('redrive').description('move messages from each dead-letter queue back to its source queue'))
    .option('--queue <name>', 'only this queue (name, short name like ingest, or its DLQ)')
    .option('--dry-run', 'only count the messages waiting in each DLQ')
    .action((options: Common & { queue?: string; dryRun?: boolean }) => runRedrive(options, io));
}
