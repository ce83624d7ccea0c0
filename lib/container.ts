// What a Lambda container keeps from its environment: the parsed config, the SDK clients, the
// queue URLs it resolved by name and the secrets it read. A container's environment never
// changes, so each is built once; a process that changes it (a local stack starting or stopping,
// a test, a bench hosting one stack after another) starts over as a new container would.
import { resetClients } from './aws/clients';
import { forgetQueueUrls } from './aws/queues';
import { clearSecretCache } from './aws/secrets';
import { resetConfig } from './config';

/** Forget everything derived from the environment: the next call rebuilds it from process.env as it is now. */
export function freshContainer(): void {
  resetConfig();
  clearSecretCache();
  forgetQueueUrls();
  resetClients();
}
