// lib/pipeline: the rules that turn one message into the next — step names, progress, polling,
// what a finished task produced, where a failure goes, the outbox — and the one skeleton every
// SQS job handler shares (jobStep). Persistence is lib/jobs; message contracts are lib/messages.
export * from './steps';
export * from './progress';
export * from './job-step';
export * from './polling';
export * from './apple-double';
export * from './failures';
export * from './report';
export * from './vod-events';
export * from './outbox';
export * from './liveness';
export * from './resume';
export * from './task-guard';
