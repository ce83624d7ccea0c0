// The provider seam (see types.ts): handlers call these, never one version's client.
export type {
  CallbackParse,
  EventView,
  PlayItem,
  ProcessingPlan,
  PushInput,
  TaskView,
  VodApiVersion,
  VodProvider,
  VodPusher,
} from './types';
export { createV2Provider, eventViewV2, processFileParams } from './v2';
export { createV3Provider, eventViewV3, processMediaBody } from './v3';
export { procedureOutcomeV3, pullOutcomeV3, taskViewV3 } from './v3-outcome';
export { parseVodCallback } from './callback';
