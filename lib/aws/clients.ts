// SDK v3 client factories. Endpoints come from the standard AWS_ENDPOINT_URL_<SERVICE> variables,
// which the SDK honours natively, so the same code talks to AWS or to the local stand-ins.
// Only the clients most functions use live here: loading an SDK client package costs tens of ms
// of cold start, so S3 is in ./s3 (imported only by the functions that touch S3) and SSM is
// loaded by ./secrets on the first secret read from Parameter Store.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { memo, resetMemos } from './memo';

// Requests go to the configured endpoint, not to the host inside a QueueUrl (on AWS they are the
// same; a local stand-in may print queue URLs with a host that does not resolve).
export const sqs = memo(() => new SQSClient({ useQueueUrlAsEndpoint: false }));

export const dynamo = memo(() => DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } }));

/** Forget every client, S3 and SSM included (tests point the endpoints elsewhere between suites). */
export function resetClients(): void {
  resetMemos();
}
