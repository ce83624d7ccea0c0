// SDK v3 client factories. Endpoints come from the standard AWS_ENDPOINT_URL_<SERVICE> variables,
// which the SDK honours natively, so the same code talks to AWS or to the local stand-ins.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

// What a client is built from: a client is rebuilt when one of these changes (a process that
// hosts one local stack after another), and reused otherwise.
const SETTINGS = ['AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_SQS', 'AWS_ENDPOINT_URL_S3', 'AWS_ENDPOINT_URL_DYNAMODB', 'AWS_ENDPOINT_URL_SSM'];

const memo = <T extends { destroy(): void }>(make: () => T) => {
  let built: { settings: string; value: T } | undefined;
  const get = (): T => {
    const settings = SETTINGS.map((name) => process.env[name] ?? '').join('\0');
    if (built?.settings !== settings) {
      built?.value.destroy();
      built = { settings, value: make() };
    }
    return built.value;
  };
  get.reset = () => void (built = undefined);
  return get;
};

/** A local S3 stand-in is addressed by path (127.0.0.1 has no bucket subdomains). */
const localS3 = () => Boolean(process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL);

// Requests go to the configured endpoint, not to the host inside a QueueUrl (on AWS they are the
// same; a local stand-in may print queue URLs with a host that does not resolve).
export const sqs = memo(() => new SQSClient({ useQueueUrlAsEndpoint: false }));

export const s3 = memo(
  () =>
    new S3Client({
      forcePathStyle: localS3(),
      // Checksums only where S3 demands them: presigned PUT URLs stay usable by plain browsers,
      // and S3-compatible stand-ins store exactly the bytes sent.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    }),
);

export const dynamo = memo(() =>
  DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } }),
);

export const ssm = memo(() => new SSMClient({}));

/** Forget every client (tests point the endpoints elsewhere between suites). */
export function resetClients(): void {
  for (const get of [sqs, s3, dynamo, ssm]) get.reset();
}
