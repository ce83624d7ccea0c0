// Per-definition state of a job's VOD task (Transcode 20 ✓, Transcode 210 …), read with
// GetTaskInfo the way `vodflow process` shows it, on the same budget (cli/process/sub-tasks.ts:
// the pipeline shares the GetTaskInfo quota). While the emulator has call faults set, the console
// does not ask: its calls would draw from the seeded fault sequence and show up in the injected
// counts the user is watching.
import { budgeted, fetchSubTasks, type SubTaskSource } from '../../cli/process/sub-tasks';
import type { FaultOptions } from '../../emulator/faults';
import { createVodClient, type VodClient } from '../../lib/vod/client';

export interface VodAccess {
  endpoint: string;
  secretId: string;
  secretKey: string;
  region?: string;
}

const CALL_FAULTS = ['error6000', 'http503', 'drop', 'dropAfter', 'delay'] as const;

export function subTaskSource(vod: VodAccess | undefined, currentFaults: () => FaultOptions): SubTaskSource {
  if (!vod) return async () => [];
  let client: VodClient | undefined;
  const read = budgeted((vodTaskId) => {
    client ??= createVodClient({ ...vod, timeoutMs: 3000, retry: { maxAttempts: 1 } });
    return fetchSubTasks(client, vodTaskId);
  });
  return async (vodTaskId, query) => {
    const faults = currentFaults();
    if (CALL_FAULTS.some((k) => Boolean(faults[k]))) return [];
    return read(vodTaskId, query);
  };
}
