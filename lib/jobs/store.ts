// The one reader and writer of the jobs table. `createJobStore({ dynamo, table })` binds every
// operation to a client and a table, so the handlers (through `jobs()`, built from config), the
// CLI (through its resolved target) and the tests use the same code on the same records.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/dynamo';
import { config } from '../config';
import type { StepCompletion } from './markers';
import * as records from './records';
import * as scan from './scan';
import * as steps from './steps';
import type { JobTable } from './table';
import * as tasks from './tasks';
import type { Job, JobSource, UploadMode } from './types';

export interface JobStoreOptions {
  dynamo: DynamoDBDocumentClient;
  table: string;
  /** How long job and task items live (DynamoDB TTL). */
  jobTtlDays?: number;
}

export function createJobStore(options: JobStoreOptions) {
  const t: JobTable = { dynamo: options.dynamo, table: options.table };
  const ttlDays = options.jobTtlDays ?? 30;
  return {
    table: options.table,
    getJob: (jobId: string) => records.getJob(t, jobId),
    getItem: (key: string) => records.getItem(t, key),
    reserveUpload: (jobId: string, source: Omit<JobSource, 'etag' | 'versionId'>, reservationTtlDays: number, passthrough?: string) =>
      records.reserveUpload(t, jobId, source, reservationTtlDays, passthrough),
    createJob: (jobId: string, source: JobSource, mode: UploadMode, leases?: Readonly<Record<string, number>>) =>
      records.createJob(t, jobId, source, mode, ttlDays, leases),
    transition: (jobId: string, input: records.TransitionInput, completes?: StepCompletion) =>
      records.transition(t, jobId, input, completes),
    patchJob: (jobId: string, attempt: number, set: records.JobFields) => records.patchJob(t, jobId, attempt, set),
    markEventDelivered: (jobId: string, destination: string, completes?: StepCompletion) =>
      records.markEventDelivered(t, jobId, destination, completes),
    claimStep: (jobId: string, step: string, leaseMs: number) => steps.claimStep(t, jobId, step, leaseMs),
    completeStep: (jobId: string, step: string, supersedes?: readonly string[]) => steps.completeStep(t, jobId, step, supersedes),
    renewLease: (jobId: string, step: string, leaseMs: number) => steps.renewLease(t, jobId, step, leaseMs),
    runStep: <T>(
      jobId: string,
      step: string,
      leaseMs: number,
      work: (job: Job, completion: StepCompletion) => Promise<T>,
      supersedes?: readonly string[],
      admission?: steps.ClaimAdmission,
    ) => steps.runStep(t, jobId, step, leaseMs, work, { supersedes, admission }),
    finishStep: (jobId: string, step: string, admission: steps.ClaimAdmission, move: steps.FinishingMove, supersedes?: readonly string[]) =>
      steps.finishStep(t, jobId, step, admission, move, supersedes),
    runHeldStep: <T>(jobId: string, step: string, work: (completion: StepCompletion) => Promise<T>) =>
      steps.runHeldStep(t, jobId, step, work),
    indexTask: (vodTaskId: string, owner: Omit<tasks.TaskOwner, 'reported'>) => tasks.indexTask(t, vodTaskId, owner, ttlDays),
    taskOwner: (vodTaskId: string) => tasks.taskOwner(t, vodTaskId),
    markTaskReported: (vodTaskId: string) => tasks.markTaskReported(t, vodTaskId),
    scanJobs: (filter?: scan.ScanFilter) => scan.scanJobs(t, filter),
    staleJobs: (before: string, reservedBefore?: string) => scan.staleJobs(t, before, reservedBefore),
  };
}

export type JobStore = ReturnType<typeof createJobStore>;

let memo: { client: DynamoDBDocumentClient; table: string; ttlDays: number; store: JobStore } | undefined;

/** The handlers' store: the configured table through the shared client (rebuilt when either changes). */
export function jobs(): JobStore {
  const client = dynamo();
  const { jobsTable, jobTtlDays } = config();
  if (memo?.client !== client || memo.table !== jobsTable || memo.ttlDays !== jobTtlDays) {
    memo = { client, table: jobsTable, ttlDays: jobTtlDays, store: createJobStore({ dynamo: client, table: jobsTable, jobTtlDays }) };
  }
  return memo.store;
}
