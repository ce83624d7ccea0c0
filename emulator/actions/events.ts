// PullEvent / ConfirmEvent (reference §4.7.2): the reliable callback mode.
import { ApiError } from '../protocol';
import { render } from '../urls';
import type { ActionHandler } from './types';

export const pullEvent: ActionHandler = async (call) => {
  const { ctx } = call;
  const events = await ctx.events.queue.pull(call.account.appId, ctx.settings.pullEventHoldMs, call.signal);
  return { eventList: events.map((e) => ({ msgHandle: e.msgHandle, eventContent: render(e.eventContent, ctx.baseUrl()) })) };
};

export const confirmEvent: ActionHandler = (call) => {
  const handles = call.args.list('msgHandle', 100);
  if (!handles.length) throw new ApiError(4000, 'missing parameter msgHandle.1 (msgHandle.N, one per event)');
  call.ctx.events.queue.confirm(call.account.appId, handles);
  return {};
};
