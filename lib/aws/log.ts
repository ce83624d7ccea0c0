// Structured JSON logs (Powertools). Every hop logs with the jobId as correlation id, so one
// filter on `correlation_id` follows a video from the S3 event to its downstream event.
// Nothing secret is ever passed to these loggers: no credentials, tokens, API keys or presigned URLs.
import { Logger } from '@aws-lambda-powertools/logger';
import { annotateTrace } from './trace';

export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'vodflow' });

/** A child logger for one job (one SQS record, one callback): jobId on every line, and on the trace. */
export function jobLogger(jobId: string, extra: Record<string, unknown> = {}): Logger {
  const child = logger.createChild({ persistentKeys: { jobId, ...extra } });
  child.setCorrelationId(jobId);
  annotateTrace('job', { jobId });
  return child;
}

export type { Logger };
