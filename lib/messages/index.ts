export * from './internal';
export * from './queue';
export * from './s3-event';
export * from './consumer';
export * from './backoff';
export * from './sqs-body';
export * from './fifo';
