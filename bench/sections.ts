// Every bench section by name, in the order `npm run bench` runs them.
import { benchColdStart } from './coldstart';
import { benchEmulator } from './emulator';
import type { Section } from './measure';
import { benchPipeline } from './pipeline';
import { benchProcess } from './process';
import { benchSigner } from './signer';
import { benchThroughput } from './throughput';
import { benchUpload } from './upload';
import { benchWebhook } from './webhook';

export const SECTIONS = {
  signer: async (quick: boolean) => benchSigner(quick),
  emulator: benchEmulator,
  pipeline: benchPipeline,
  throughput: benchThroughput,
  webhook: benchWebhook,
  upload: benchUpload,
  process: benchProcess,
  coldstart: benchColdStart,
} satisfies Record<string, (quick: boolean) => Promise<Section>>;

export type SectionName = keyof typeof SECTIONS;
