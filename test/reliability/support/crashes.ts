// "Crashes" of an in-process stack: an exception no handler caught (the process would die), and
// invocations that failed as a whole or hit their timeout (the runtime's own log lines).
import type { Capture } from './capture';

export interface CrashWatch {
  uncaught: string[];
  count(capture: Capture): { uncaught: number; invocationFailures: number; timeouts: number };
  stop(): void;
}

export function watchCrashes(): CrashWatch {
  const uncaught: string[] = [];
  const onError = (err: unknown) => void uncaught.push(String((err as Error)?.stack ?? err));
  process.on('uncaughtException', onError);
  process.on('unhandledRejection', onError);
  return {
    uncaught,
    count: (capture) => {
      const text = capture.text.join('');
      return {
        uncaught: uncaught.length,
        invocationFailures: (text.match(/\] invocation failed:/g) ?? []).length,
        timeouts: (text.match(/Task timed out after/g) ?? []).length,
      };
    },
    stop() {
      process.off('uncaughtException', onError);
      process.off('unhandledRejection', onError);
    },
  };
}
