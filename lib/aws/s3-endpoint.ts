// Where an S3 request for one object goes, for the buckets vodflow reads and writes: a general
// purpose bucket addressed by name, on AWS or at a custom endpoint. These are the branches of S3's
// endpoint rules that such a bucket takes (virtual-hosted when the name is a valid host label,
// else path-style; FIPS and dual-stack hosts; the partition's DNS suffix), written out so that
// presigning needs no S3 client (./s3). test/lib/aws/s3.test.ts holds them to the S3 client's own
// URLs over a matrix of regions, partitions, settings, bucket names and keys.
import { isVirtualHostableS3Bucket, partition } from '@aws-sdk/core/client';
import { extendedEncodeURIComponent } from '@smithy/core/protocols';
import type { ServiceSettings } from './request';

export interface S3ObjectUrl {
  protocol: string;
  hostname: string;
  port?: number;
  /** The object's path, each segment of the key percent-encoded as S3 signs it. */
  path: string;
}

/** The object `key` of `bucket`: its host and path (at `s.endpoint`, a stand-in or an S3-compatible store, by path). */
export function s3ObjectUrl(bucket: string, key: string, s: ServiceSettings): S3ObjectUrl {
  // Access points, Multi-Region Access Points, Object Lambda and directory buckets (S3 Express)
  // sign differently; vodflow's buckets are general purpose buckets named in serverless.yml.
  if (bucket.startsWith('arn:') || bucket.endsWith('--x-s3') || bucket.endsWith('--ol-s3')) {
    throw new Error(
      `S3 bucket ${JSON.stringify(bucket)}: access points and directory buckets are not supported, name a general purpose bucket`,
    );
  }
  const objectPath = `/${key.split('/').map(extendedEncodeURIComponent).join('/')}`;
  if (s.endpoint) {
    // As S3's rules: FIPS and dual-stack name AWS's own hosts, which a custom endpoint replaces.
    if (s.useFips || s.useDualstack)
      throw new Error('A custom endpoint cannot be combined with FIPS or dual-stack (AWS_USE_FIPS_ENDPOINT, AWS_USE_DUALSTACK_ENDPOINT)');
    const url = new URL(s.endpoint);
    const base = url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`;
    return {
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      path: `${base}${extendedEncodeURIComponent(bucket)}${objectPath}`,
    };
  }
  const { dnsSuffix } = partition(s.region);
  const service = `s3${s.useFips ? '-fips' : ''}${s.useDualstack ? '.dualstack' : ''}`;
  const host = `${service}.${s.region}.${dnsSuffix}`;
  // A name with dots is no single host label: over HTTPS it would not match S3's certificate.
  return isVirtualHostableS3Bucket(bucket, false)
    ? { protocol: 'https:', hostname: `${bucket}.${host}`, path: objectPath }
    : { protocol: 'https:', hostname: host, path: `/${extendedEncodeURIComponent(bucket)}${objectPath}` };
}
