// The task-flow string a client upload signature may carry (reference §4.1.4, §5.1), e.g.
// `QCVB_SimpleProcessFile({210,220},0,10,10)`: transcode definitions (a set, or 1 = the console's
// default definitions, 0 = none), watermark, cover snapshot definition, sample snapshot definition.
import { DEFINITIONS, SAMPLE_SNAPSHOT_DEFINITIONS, SNAPSHOT_DEFINITIONS } from '../media';
import type { ProcedureInput } from '../types';

export class ProcedureError extends Error {}

const INT = /^\d{1,6}$/;

function splitTopLevel(args: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of args) {
    if (ch === '{') depth++;
    if (ch === '}') depth--;
    if (ch === ',' && depth === 0) {
      out.push(current.trim());
      current = '';
    } else current += ch;
  }
  if (current.trim() !== '' || out.length) out.push(current.trim());
  return out;
}

const int = (v: string | undefined, what: string): number => {
  if (v === undefined || v === '') return 0;
  if (!INT.test(v)) throw new ProcedureError(`${what} must be an integer, got ${v}`);
  return Number(v);
};

export function parseProcedure(text: string, defaultDefinitions: number[]): ProcedureInput {
  const m = /^\s*QCVB_SimpleProcessFile\s*\((.*)\)\s*$/.exec(text);
  if (!m)
    throw new ProcedureError(
      `unknown procedure ${text.slice(0, 64)}: the emulator runs QCVB_SimpleProcessFile(transcode, watermark, cover, sample)`,
    );
  const [transcode, watermark, cover, sample, ...rest] = splitTopLevel(m[1]!);
  if (rest.length) throw new ProcedureError('QCVB_SimpleProcessFile takes at most 4 arguments');
  const p: ProcedureInput = {};
  let definitions: number[] = [];
  if (transcode?.startsWith('{')) {
    if (!transcode.endsWith('}')) throw new ProcedureError('unbalanced {} in the transcode definitions');
    definitions = transcode
      .slice(1, -1)
      .split(',')
      .map((d) => int(d.trim(), 'a transcode definition'));
  } else {
    const n = int(transcode, 'the transcode argument');
    definitions = n === 0 ? [] : n === 1 ? defaultDefinitions : [n];
  }
  for (const d of definitions) if (!Object.hasOwn(DEFINITIONS, d)) throw new ProcedureError(`transcode definition ${d} is not a template`);
  if (definitions.length) p.transcode = { definitions: [...new Set(definitions)], watermark: int(watermark, 'watermark') ? 1 : 0 };
  const coverDefinition = int(cover, 'the cover definition');
  if (coverDefinition && !Object.hasOwn(SNAPSHOT_DEFINITIONS, coverDefinition))
    throw new ProcedureError(`cover definition ${coverDefinition} is not a template`);
  if (coverDefinition) p.coverBySnapshot = { definition: coverDefinition, positionType: 'Time', position: 0 };
  const sampleDefinition = int(sample, 'the sample snapshot definition');
  if (sampleDefinition && !Object.hasOwn(SAMPLE_SNAPSHOT_DEFINITIONS, sampleDefinition))
    throw new ProcedureError(`sample snapshot definition ${sampleDefinition} is not a template`);
  if (sampleDefinition) p.sampleSnapshot = { definition: sampleDefinition };
  return p;
}
