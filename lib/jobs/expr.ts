// A tiny builder for DynamoDB update/condition expressions with generated placeholder names, so
// callers write plain objects and never collide with reserved words (status, ttl, source…).
export class Expr {
  readonly names: Record<string, string> = {};
  readonly values: Record<string, unknown> = {};
  private n = 0;

  /** `a.b` → `#n0.#n1` (each segment a placeholder). */
  name(path: string): string {
    return path
      .split('.')
      .map((seg) => {
        const existing = Object.entries(this.names).find(([, v]) => v === seg)?.[0];
        if (existing) return existing;
        const key = `#n${this.n++}`;
        this.names[key] = seg;
        return key;
      })
      .join('.');
  }

  value(v: unknown): string {
    const key = `:v${this.n++}`;
    this.values[key] = v;
    return key;
  }

  /** `SET a = :x, … REMOVE b, …` from plain objects; undefined values are skipped. */
  update(set: Record<string, unknown>, remove: string[] = [], add: Record<string, unknown> = {}): string {
    const sets = Object.entries(set)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${this.name(k)} = ${this.value(v)}`);
    const adds = Object.entries(add).map(([k, v]) => `${this.name(k)} ${this.value(v)}`);
    return [
      sets.length ? `SET ${sets.join(', ')}` : '',
      remove.length ? `REMOVE ${remove.map((r) => this.name(r)).join(', ')}` : '',
      adds.length ? `ADD ${adds.join(', ')}` : '',
    ]
      .filter(Boolean)
      .join(' ');
  }

  in(path: string, options: readonly unknown[]): string {
    return `${this.name(path)} IN (${options.map((o) => this.value(o)).join(', ')})`;
  }

  /** Spread into a command input; empty maps are left out (DynamoDB rejects them). */
  get attributes(): { ExpressionAttributeNames?: Record<string, string>; ExpressionAttributeValues?: Record<string, unknown> } {
    return {
      ...(Object.keys(this.names).length ? { ExpressionAttributeNames: this.names } : {}),
      ...(Object.keys(this.values).length ? { ExpressionAttributeValues: this.values } : {}),
    };
  }
}
