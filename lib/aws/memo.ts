// The env-keyed memo behind every SDK client getter (./clients, ./s3, ./ssm). It lives apart
// from the clients so that a module needing one client does not load the others' SDK packages.

// What a client is built from: a client is rebuilt when one of these changes (a process that
// hosts one local stack after another), and reused otherwise.
const SETTINGS = [
  'AWS_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_ENDPOINT_URL',
  'AWS_ENDPOINT_URL_SQS',
  'AWS_ENDPOINT_URL_S3',
  'AWS_ENDPOINT_URL_DYNAMODB',
  'AWS_ENDPOINT_URL_SSM',
];

/** Every memoised client getter created so far, so that resetMemos() forgets them all. */
const getters = new Set<{ reset(): void }>();

export type ClientGetter<T> = (() => T) & { reset(): void };

/** A getter for one client, built on first use and rebuilt (the old one destroyed) when the AWS settings change. */
export function memo<T extends { destroy(): void }>(make: () => T): ClientGetter<T> {
  let built: { settings: string; value: T } | undefined;
  const get = (): T => {
    const settings = SETTINGS.map((name) => process.env[name] ?? '').join('\0');
    if (built?.settings !== settings) {
      built?.value.destroy();
      built = { settings, value: make() };
    }
    return built.value;
  };
  const getter = Object.assign(get, { reset: () => void (built = undefined) });
  getters.add(getter);
  return getter;
}

/** Forget every client built through memo() (the next call builds a fresh one). */
export function resetMemos(): void {
  for (const getter of getters) getter.reset();
}
