// The S3 client, apart from ./clients so that only the functions that touch S3 (create-upload,
// initiate-upload) load @aws-sdk/client-s3 at cold start.
import { S3Client } from '@aws-sdk/client-s3';
import { memo } from './memo';

/** A local S3 stand-in is addressed by path (127.0.0.1 has no bucket subdomains). */
const localS3 = () => Boolean(process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL);

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
