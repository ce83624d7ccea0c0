// lib/jobs: persistence of jobs, step markers and the task index — nothing about what the
// pipeline does with them (that is lib/pipeline).
export * from './types';
export * from './ids';
export { createJobStore, jobs, type JobStore, type JobStoreOptions } from './store';
export { taskKey } from './tasks';
export type { JobFields, TransitionInput } from './records';
export type { ClaimOutcome, FieldTest, FinishingMove, StepClaim, StepResult } from './steps';
export type { StepCompletion } from './markers';
export type { TaskOwner } from './tasks';
export type { ScannedJob, ScanFilter } from './scan';
export { MOVING_STATUSES } from './scan';
export { daysCovering, isConditionFailure } from './table';
