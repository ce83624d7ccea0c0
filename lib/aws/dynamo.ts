// The DynamoDB document client (endpoint from AWS_ENDPOINT_URL_DYNAMODB, see ./clients). A module
// of its own so that a function reading jobs without sending messages never loads client-sqs.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { memo } from './memo';

export const dynamo = memo(() => {
  const client = new DynamoDBClient({});
  const documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  // The document client's own destroy() leaves the client it wraps (and its sockets) alone.
  return Object.assign(documents, { destroy: () => client.destroy() });
});
