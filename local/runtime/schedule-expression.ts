// EventBridge schedule expressions: `rate(N unit)` and `cron(min hour dom month dow year)` (UTC).
// Cron supports `*`, `?`, lists, ranges, steps and month/day names; `L`, `W` and `#` are rejected.

export type Schedule = { kind: 'rate'; intervalMs: number } | { kind: 'cron'; matches(date: Date): boolean };

export class ScheduleExpressionError extends Error {}

const UNIT_MS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

export function parseScheduleExpression(expression: string): Schedule {
  const rate = /^rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)$/i.exec(expression);
  if (rate) {
    const n = Number(rate[1]);
    if (n < 1) throw new ScheduleExpressionError(`${expression}: rate must be at least 1`);
    return { kind: 'rate', intervalMs: n * UNIT_MS[rate[2]!.toLowerCase().replace(/s$/, '')]! };
  }
  const cron = /^cron\((.+)\)$/i.exec(expression);
  if (!cron) throw new ScheduleExpressionError(`${expression}: expected rate(N unit) or cron(...)`);
  const fields = cron[1]!.trim().split(/\s+/);
  if (fields.length !== 6)
    throw new ScheduleExpressionError(`${expression}: cron needs 6 fields (minutes hours day-of-month month day-of-week year)`);
  const [min, hour, dom, month, dow, year] = fields as [string, string, string, string, string, string];
  if (/[LW#]/.test(`${dom} ${dow}`.toUpperCase().replace(/SUN|MON|TUE|WED|THU|FRI|SAT/g, ''))) {
    throw new ScheduleExpressionError(`${expression}: L, W and # are not supported by the local scheduler`);
  }
  if (dom !== '?' && dow !== '?') throw new ScheduleExpressionError(`${expression}: one of day-of-month or day-of-week must be '?'`);
  const sets = {
    min: field(min, 0, 59, [], expression),
    hour: field(hour, 0, 23, [], expression),
    dom: dom === '?' ? null : field(dom, 1, 31, [], expression),
    month: field(month, 1, 12, MONTHS, expression, 1),
    dow: dow === '?' ? null : field(dow, 1, 7, DAYS, expression, 1),
    year: field(year, 1970, 2199, [], expression),
  };
  return {
    kind: 'cron',
    matches: (date) =>
      sets.min.has(date.getUTCMinutes()) &&
      sets.hour.has(date.getUTCHours()) &&
      (sets.dom === null || sets.dom.has(date.getUTCDate())) &&
      sets.month.has(date.getUTCMonth() + 1) &&
      (sets.dow === null || sets.dow.has(date.getUTCDay() + 1)) && // AWS: SUN = 1
      sets.year.has(date.getUTCFullYear()),
  };
}

function field(text: string, lo: number, hi: number, names: string[], expression: string, nameBase = 0): Set<number> {
  const out = new Set<number>();
  const value = (token: string): number => {
    const named = names.indexOf(token.toUpperCase());
    const n = named >= 0 ? named + nameBase : Number(token);
    if (!Number.isInteger(n) || n < lo || n > hi) throw new ScheduleExpressionError(`${expression}: ${token} is out of range ${lo}-${hi}`);
    return n;
  };
  for (const part of text.split(',')) {
    const [range, stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new ScheduleExpressionError(`${expression}: bad step in ${part}`);
    let from: number;
    let to: number;
    if (range === '*' || range === '?') [from, to] = [lo, hi];
    else if (range!.includes('-')) {
      const [a, b] = range!.split('-');
      [from, to] = [value(a!), value(b!)];
    } else [from, to] = [value(range!), stepText === undefined ? value(range!) : hi];
    for (let n = from; n <= to; n += step) out.add(n);
  }
  return out;
}
