// SDK v3 client factories. Endpoints come from the standard AWS_ENDPOINT_URL_<SERVICE> variables,
// which the SDK honours natively, so the same code talks to AWS or to the local stand-ins.
// Only the clients most functions use live here: loading an SDK client package costs tens of ms
// of cold start, so S3 (./s3, imported only by the functions that touch S3) and SSM (./ssm,
// imported by ./secrets) are called without their clients. DynamoDB and SQS each have a
// module (./dynamo, ./sqs) that lib/ imports directly; this one gathers them for tests and tools.
import { resetMemos } from './memo';

export { dynamo } from './dynamo';
export { sqs } from './sqs';

/** Forget every client, S3 and SSM included (tests point the endpoints elsewhere between suites). */
export function resetClients(): void {
  resetMemos();
}
