// Handlers cache their configuration, secrets, queue URLs and SDK clients per process (as in a
// Lambda container). A bench that starts several local stacks in one process starts each from
// a clean slate, as a new container would.
import { resetClients } from '../lib/aws/clients';
import { forgetQueueUrls } from '../lib/aws/queues';
import { clearSecretCache } from '../lib/aws/secrets';
import { resetConfig } from '../lib/config';

export function forgetStackState(): void {
  resetConfig();
  clearSecretCache();
  forgetQueueUrls();
  resetClients();
}
