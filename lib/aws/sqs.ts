// The SQS client (endpoint from AWS_ENDPOINT_URL_SQS, see ./clients). A module of its own so that
// a function that only reads jobs never loads client-sqs.
import { SQSClient } from '@aws-sdk/client-sqs';
import { memo } from './memo';

// Requests go to the configured endpoint, not to the host inside a QueueUrl (on AWS they are the
// same; a local stand-in may print queue URLs with a host that does not resolve).
export const sqs = memo(() => new SQSClient({ useQueueUrlAsEndpoint: false }));
