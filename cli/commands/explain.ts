// `vodflow explain CODE [CODE…] [--json] [--rule]`: what VOD codes mean and what to do about them.
// Negative codes work as plain arguments (`vodflow explain -43001`): commander 14 takes a negative
// number in a leaf command as an argument, and `--` works too.
import type { Command } from 'commander';
import { classify, isVodCode, RETRY_RULE, V3_ERROR_TABLE, type Classification } from '../../lib/vod/errors';

export interface ExplainOutput {
  text: string;
  /** 0 when every code is known, 1 otherwise. */
  exitCode: number;
}

const dash = (value: string | null): string => value ?? '-';

const NOT_A_CODE_HINT =
  'VOD codes are integers (API 2.0, e.g. -43001 or 4000) or PascalCase names (API 3.0, e.g. SourceFileError.ContentMalformed)';

/** An API 3.0 code spelled in another case (`sourcefileerror.contentmalformed`), if one matches. */
function sameCodeIgnoringCase(input: string): string | undefined {
  const lower = input.toLowerCase();
  for (const code of V3_ERROR_TABLE.keys()) if (code.toLowerCase() === lower) return code;
  return undefined;
}

/** The code an argument VOD does not know may have meant (none for a known one). */
const meantCode = (input: string, c: Classification): string | undefined => (c.known ? undefined : sameCodeIgnoringCase(input));

/** Why an argument is not a VOD code, and the code it may have meant. */
function notACode(input: string): { input: string; known: false; error: string; hint: string; didYouMean?: string } {
  const didYouMean = sameCodeIgnoringCase(input);
  return { input, known: false, error: 'not a VOD code', hint: NOT_A_CODE_HINT, ...(didYouMean ? { didYouMean } : {}) };
}

function describe(input: string, c: Classification): string {
  if (!isVodCode(input)) {
    const { didYouMean } = notACode(input);
    return `${JSON.stringify(input)}: not a VOD code${didYouMean ? ` (did you mean ${didYouMean}?)` : ''}\n  ${NOT_A_CODE_HINT}`;
  }
  const meant = meantCode(input, c);
  const head = c.known ? `${c.code}` : `${c.code} (unknown code${meant ? `; did you mean ${meant}?` : ''})`;
  const lines = [head];
  if (c.known) lines.push(`  meaning (zh): ${c.message || '(not documented)'}`);
  lines.push(`  meaning (en): ${c.message_en}${c.basis === 'inferred' ? ' [inferred]' : ''}`);
  lines.push(`  stage/step/cause: ${dash(c.stage)} / ${dash(c.step)} / ${dash(c.cause)}`);
  lines.push(`  retryable: ${c.retryable ? 'yes' : 'no'} (${c.category})`);
  lines.push(`  what to do: ${c.action}`);
  return lines.join('\n');
}

/** Pure core of the command: classifications as text or JSON, and the exit code. */
export function explainCodes(codes: readonly string[], options: { json?: boolean } = {}): ExplainOutput {
  const results = codes.map((code) => classify(code));
  const exitCode = results.every((c) => c.known) ? 0 : 1;
  if (options.json) {
    // An argument that is no code says so, as the text does, rather than passing for an unknown code.
    const entries = results.map((c, i) => {
      const input = codes[i] ?? '';
      if (!isVodCode(input)) return notACode(input);
      const meant = meantCode(input, c);
      return meant ? { ...c, didYouMean: meant } : c;
    });
    const body = entries.length === 1 ? entries[0] : entries;
    return { text: `${JSON.stringify(body, null, 2)}\n`, exitCode };
  }
  return { text: `${results.map((c, i) => describe(codes[i] ?? '', c)).join('\n\n')}\n`, exitCode };
}

export interface ExplainIO {
  write(text: string): void;
  setExitCode(code: number): void;
}

const processIO: ExplainIO = {
  write: (text) => void process.stdout.write(text),
  setExitCode: (code) => {
    process.exitCode = code;
  },
};

export function register(program: Command, io: ExplainIO = processIO): void {
  program
    .command('explain')
    .description('explain VOD error codes: meaning (zh + en), stage/step/cause, retryable, what to do')
    .argument('[codes...]', 'VOD codes, e.g. -43001 4000 (negative numbers work as they are)')
    .option('--json', 'print JSON: one object for one code, an array for several')
    .option('--rule', 'print the retry rule')
    .addHelpText('after', '\nExit status: 0 when every code is known, 1 when any is unknown, 2 on a usage error.')
    .action((codes: string[], options: { json?: boolean; rule?: boolean }, command: Command) => {
      if (options.rule && options.json) {
        // Keep stdout one JSON document.
        if (codes.length) command.error('error: with --json, give either --rule or codes', { exitCode: 2 });
        io.write(`${JSON.stringify({ rule: RETRY_RULE }, null, 2)}\n`);
        return;
      }
      if (options.rule) io.write(`${RETRY_RULE}\n${codes.length ? '\n' : ''}`);
      if (codes.length === 0) {
        if (!options.rule) command.error('error: give at least one code, e.g. vodflow explain -43001', { exitCode: 2 });
        return;
      }
      const { text, exitCode } = explainCodes(codes, { json: options.json });
      io.write(text);
      io.setExitCode(exitCode);
    });
}
