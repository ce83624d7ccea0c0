// Counters for tests and benchmarks: requests, answers per code and per action, faults injected.
export class Stats {
  requests = 0;
  dropped = 0;
  readonly codes: Record<string, number> = Object.create(null);
  readonly actions: Record<string, number> = Object.create(null);

  constructor(private readonly known: (action: string) => boolean) {}

  answered(action: string | undefined, code: number): void {
    this.codes[String(code)] = (this.codes[String(code)] ?? 0) + 1;
    // Only known names are counted by name: fuzzed actions must not grow the table.
    const name = action === undefined ? '(none)' : this.known(action) ? action : '(unknown)';
    this.actions[name] = (this.actions[name] ?? 0) + 1;
  }
}
