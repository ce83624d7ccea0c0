// Categories (reference §4.4): class 0 "其他" always exists; others form a tree of up to 4 levels.
import { ApiError } from '../protocol';
import type { ClassRecord } from '../types';
import type { ActionCall, ActionHandler } from './types';

const MAX_LEVELS = 4;
const DEFAULT_CLASS = { id: 0, name: '其他' };

const pad = (n: number) => String(n).padStart(2, '0');
/**
 * "YYYY-MM-DD HH:MM:SS" in Beijing time (UTC+8, no DST), whatever the machine's zone: the service
 * ran there, and its date strings carry no zone (DescribeClass, DescribeVodInfo, reference §4.2, §4.4).
 */
export function dateTime(unix: number): string {
  return formatBeijing(unix);
}

const DATE_TIME = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{1,2})(?::(\d{1,2}))?)?$/;

/** The reverse of dateTime: "Y-m-d[ H:i[:s]]" read as Beijing time; undefined if not a date. */
export function parseBeijing(text: string): number | undefined {
  const m = DATE_TIME.exec(text.trim());
  if (!m) return undefined;
  const [y, mo, d, h = '0', mi = '0', s = '0'] = m.slice(1);
  const t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) / 1000 - 8 * 3600;
  return Number.isFinite(t) && Number(mo) >= 1 && Number(mo) <= 12 && Number(d) >= 1 && Number(d) <= 31 ? t : undefined;
}

function formatBeijing(unix: number): string {
  const d = new Date((unix + 8 * 3600) * 1000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

type Caller = Pick<ActionCall, 'ctx' | 'account'>;

const classesOf = ({ ctx, account }: Caller): ClassRecord[] =>
  Object.values(ctx.store.state.classes).filter((c) => c.appId === account.appId);

function levelOf(all: ClassRecord[], c: ClassRecord): number {
  let level = 0;
  for (let p = c.parentId; p !== -1; level++) p = all.find((x) => x.id === p)?.parentId ?? -1;
  return level;
}

export function classExists(call: Caller, id: number): boolean {
  return id === 0 || classesOf(call).some((c) => c.id === id);
}

export const classNameOf = (call: Caller, id: number): string =>
  id === 0 ? DEFAULT_CLASS.name : (classesOf(call).find((c) => c.id === id)?.name ?? '');

const checkName = (call: ActionCall, name: string, parentId: number, exceptId?: number) => {
  if (classesOf(call).some((c) => c.parentId === parentId && c.name === name && c.id !== exceptId))
    throw new ApiError(1907, `class name ${name} already exists here`);
};

export const createClass: ActionHandler = (call) => {
  const name = call.args.requiredStr('className', { max: 64 });
  let parentId = call.args.int('parentId', { min: -1 }) ?? -1;
  if (parentId === 0) throw new ApiError(1903, 'no subclass can be created under the default class 0');
  const all = classesOf(call);
  const parent = all.find((c) => c.id === parentId);
  if (parentId !== -1 && !parent) throw new ApiError(1904, `parent class ${parentId} does not exist`);
  if (parent && levelOf(all, parent) + 1 >= MAX_LEVELS) throw new ApiError(4000, `classes are limited to ${MAX_LEVELS} levels`);
  parentId = parent?.id ?? -1;
  checkName(call, name, parentId);
  const { state } = call.ctx.store;
  const id = ++state.seq.classId;
  const t = Math.floor(Date.now() / 1000);
  state.classes[String(id)] = { id, appId: call.account.appId, parentId, name, createTime: t, updateTime: t };
  call.ctx.store.save();
  return { newClassId: String(id) };
};

function existing(call: ActionCall): ClassRecord {
  const id = call.args.requiredInt('classId');
  const found = classesOf(call).find((c) => c.id === id);
  if (!found) throw new ApiError(1905, `class ${id} not found`);
  return found;
}

export const modifyClass: ActionHandler = (call) => {
  const name = call.args.requiredStr('className', { max: 64 });
  const c = existing(call);
  checkName(call, name, c.parentId, c.id);
  c.name = name;
  c.updateTime = Math.floor(Date.now() / 1000);
  call.ctx.store.save();
  return {};
};

export const deleteClass: ActionHandler = (call) => {
  const c = existing(call);
  const all = classesOf(call);
  const doomed = new Set([c.id]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const x of all) if (doomed.has(x.parentId) && !doomed.has(x.id)) doomed.add(x.id), (grew = true);
  }
  const { state } = call.ctx.store;
  for (const id of doomed) delete state.classes[String(id)];
  // Files of deleted classes fall back to the default class.
  for (const f of Object.values(state.files)) if (f.appId === call.account.appId && doomed.has(f.classId)) f.classId = 0;
  call.ctx.store.save();
  return {};
};

export const describeClass: ActionHandler = (call) => {
  const list = [{ id: '0', name: DEFAULT_CLASS.name, create_time: dateTime(0), update_time: dateTime(0) }];
  for (const c of classesOf(call).sort((a, b) => a.id - b.id)) {
    list.push({ id: String(c.id), name: c.name, create_time: dateTime(c.createTime), update_time: dateTime(c.updateTime) });
  }
  return { data: list };
};

export const describeAllClass: ActionHandler = (call) => {
  const all = classesOf(call);
  const files = Object.values(call.ctx.store.state.files).filter((f) => f.appId === call.account.appId);
  type Node = { info: { id: number; parent_id: number; name: string; level: number; file_num: number }; subclass: Node[] };
  const build = (parentId: number, level: number): Node[] =>
    all
      .filter((c) => c.parentId === parentId)
      .sort((a, b) => a.id - b.id)
      .map((c) => ({
        info: { id: c.id, parent_id: c.parentId, name: c.name, level, file_num: files.filter((f) => f.classId === c.id).length },
        subclass: build(c.id, level + 1),
      }));
  return { data: build(-1, 0) };
};
