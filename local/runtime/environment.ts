// Handlers run in one process, so they share one process.env. This module renders every
// function's environment (provider + function values, queue URLs, local overrides), checks that
// no two functions need different values for the same name, and applies the result once.
import { renderValue, type StackModel } from '../serverless/model';

export interface EnvConflict {
  name: string;
  /** function key → the value that function declares */
  values: Record<string, string>;
}

export interface EnvironmentPlan {
  values: Record<string, string>;
  conflicts: EnvConflict[];
}

export class EnvironmentError extends Error {}

/**
 * `local` (AWS endpoints, credentials, region) always wins: those names are reserved in Lambda.
 * `overrides` replace what the yml declares (e.g. plain secrets instead of `${ssm:...}`).
 */
export function planEnvironment(
  model: StackModel,
  queueUrls: Record<string, string>,
  local: Record<string, string>,
  overrides: Record<string, string>,
): EnvironmentPlan {
  const perName = new Map<string, Record<string, string>>();
  const missing: string[] = [];
  for (const fn of model.functions) {
    for (const [name, parts] of Object.entries(fn.environment)) {
      if (name in overrides || name in local) continue;
      let rendered: string;
      try {
        rendered = renderValue(parts, queueUrls, `${fn.key}: ${name}`);
      } catch (error) {
        missing.push((error as Error).message);
        continue;
      }
      const seen = perName.get(name) ?? {};
      seen[fn.key] = rendered;
      perName.set(name, seen);
    }
  }
  if (missing.length) throw new EnvironmentError(`environment cannot be built locally:\n  ${[...new Set(missing)].join('\n  ')}`);
  const values: Record<string, string> = {};
  const conflicts: EnvConflict[] = [];
  for (const [name, byFunction] of perName) {
    const distinct = new Set(Object.values(byFunction));
    if (distinct.size > 1) conflicts.push({ name, values: byFunction });
    values[name] = Object.values(byFunction)[0]!;
  }
  return { values: { ...values, ...overrides, ...local }, conflicts };
}

export function describeConflicts(conflicts: EnvConflict[]): string {
  return conflicts
    .map(
      (c) =>
        `${c.name}: ${Object.entries(c.values)
          .map(([fn, v]) => `${fn}=${JSON.stringify(v)}`)
          .join(', ')}`,
    )
    .join('\n  ');
}

/** Sets the variables on process.env; returns a function restoring the previous values. */
export function applyEnvironment(values: Record<string, string>): () => void {
  const previous = new Map<string, string | undefined>();
  for (const [name, value] of Object.entries(values)) {
    previous.set(name, process.env[name]);
    process.env[name] = value;
  }
  return () => {
    for (const [name, value] of previous) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}
