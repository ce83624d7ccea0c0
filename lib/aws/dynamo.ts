// The DynamoDB document client (endpoint from AWS_ENDPOINT_URL_DYNAMODB, see ./clients). A module
// of its own so that a function reading jobs without sending messages never loads client-sqs.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { memo } from './memo';

export const dynamo = memo(() => DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } }));
