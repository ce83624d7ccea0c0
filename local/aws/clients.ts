// SDK v3 clients pointed at the local stand-ins (used by provisioning, the S3 bridge and pollers).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';

export interface LocalAwsConfig {
  region: string;
  endpoints: { sqs: string; s3: string; dynamodb: string };
  credentials: { accessKeyId: string; secretAccessKey: string };
}

export interface LocalClients {
  sqs: SQSClient;
  s3: S3Client;
  dynamodb: DynamoDBClient;
  destroy(): void;
}

export function createLocalClients(config: LocalAwsConfig): LocalClients {
  const base = { region: config.region, credentials: config.credentials, maxAttempts: 2 };
  const sqs = new SQSClient({ ...base, endpoint: config.endpoints.sqs });
  const s3 = new S3Client({ ...base, endpoint: config.endpoints.s3, forcePathStyle: true });
  const dynamodb = new DynamoDBClient({ ...base, endpoint: config.endpoints.dynamodb });
  return {
    sqs,
    s3,
    dynamodb,
    destroy: () => {
      sqs.destroy();
      s3.destroy();
      dynamodb.destroy();
    },
  };
}
