// pull-events: reliable callback mode ("可靠回调"). A scheduled loop of PullEvent long polls
// inside the invocation's time budget; each event becomes a finished task's report (a success for
// publish-result, a failure for classify-error), and its handle is confirmed only after that
// message is durably enqueued (unconfirmed events come back).
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import { logger } from '../lib/aws/log';
import { vodProvider } from '../lib/aws/vod-provider';
import { config } from '../lib/config';
import { actsOn, handleVodEvent } from '../lib/pipeline';

config();

/** PullEvent holds an empty queue up to 5 s; the client gives it 10 s. */
const PULL_TIMEOUT_MS = 10_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function drainEvents(
  context: Pick<Context, 'getRemainingTimeInMillis'>,
): Promise<{ pulled: number; confirmed: number; polls: number }> {
  const provider = await vodProvider();
  const reserve = config().pullEventsReserveMs;
  const totals = { pulled: 0, confirmed: 0, polls: 0 };
  while (context.getRemainingTimeInMillis() > reserve) {
    const started = Date.now();
    const eventList = await provider.pullEvents({ timeoutMs: PULL_TIMEOUT_MS });
    totals.polls++;
    totals.pulled += eventList.length;
    const confirm: string[] = [];
    for (const { handle, parsed } of eventList) {
      if (!parsed.success) {
        // Its batch goes on either way. One of a type vodflow acts on comes back, for a vodflow
        // that reads it (the job's own polls finish the job meanwhile); any other is acknowledged,
        // as it would be if it parsed, so that it does not come back forever.
        const fields = { eventType: parsed.eventType, issues: parsed.issues };
        if (actsOn(parsed.eventType)) {
          logger.error('event does not parse; left unconfirmed so VOD delivers it again', fields);
          continue;
        }
        logger.warn('event of a type vodflow does not act on does not parse; acknowledged', fields);
        confirm.push(handle);
        continue;
      }
      const { event } = parsed;
      try {
        await handleVodEvent(event, 'pull-event', logger);
        confirm.push(handle);
      } catch (err) {
        logger.error('event not handled; left unconfirmed so VOD delivers it again', {
          eventType: event.eventType,
          error: (err as Error).message,
        });
      }
    }
    if (confirm.length) {
      await provider.confirmEvents(confirm);
      totals.confirmed += confirm.length;
    }
    // A server that answers an empty queue at once must not turn this loop into a busy spin.
    if (!eventList.length && Date.now() - started < 1000) await sleep(1000);
  }
  return totals;
}

export const handler = middy(async (_event: unknown, context: Context) => {
  const totals = await drainEvents(context);
  logger.info('event pull finished', totals);
  return totals;
}).use(injectLambdaContext(logger, { resetKeys: true }));
