import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Command, CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { explainCodes, register } from '../../cli/commands/explain';
import { RETRY_RULE } from '../../lib/vod/errors';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** The command in a fresh program shaped like cli/main.ts, with output captured. */
async function run(argv: string[]): Promise<{ out: string; err: string; exitCode: number | undefined }> {
  let out = '';
  let err = '';
  let exitCode: number | undefined;
  const program = new Command('vodflow')
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ writeOut: (s) => void (out += s), writeErr: (s) => void (err += s) });
  register(program, { write: (s) => void (out += s), setExitCode: (code) => void (exitCode = code) });
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    exitCode = error.exitCode;
  }
  return { out, err, exitCode };
}

describe('explainCodes', () => {
  it('prints one JSON object for one code and an array for several', () => {
    const one = explainCodes(['-43001'], { json: true });
    expect(JSON.parse(one.text)).toMatchObject({ code: -43001, known: true, step: 'probe-source', retryable: false });
    expect(one.exitCode).toBe(0);
    const many = explainCodes(['-43001', '6000'], { json: true });
    expect(JSON.parse(many.text).map((c: { code: number }) => c.code)).toEqual([-43001, 6000]);
  });

  it('exits 1 when any code is unknown, still explaining all of them', () => {
    const { text, exitCode } = explainCodes(['-49101', '-99999', 'abc']);
    expect(exitCode).toBe(1);
    expect(text).toContain('-49101\n');
    expect(text).toContain('retryable: yes');
    expect(text).toContain('-99999 (unknown code)');
    expect(text).toContain('"abc": not a VOD code\n  VOD codes are integers (API 2.0, e.g. -43001 or 4000) or PascalCase names');
    expect(text).not.toContain('"abc" (unknown code)');
  });

  it('says the same of an argument that is no code in JSON, and names the code a wrong case meant', () => {
    // Before, --json listed "banana" as an unknown code, retryable once, where the text said it is none.
    const { text, exitCode } = explainCodes(['-43001', 'banana', 'sourcefileerror.contentmalformed'], { json: true });
    expect(exitCode).toBe(1);
    const [known, banana, lower] = JSON.parse(text);
    expect(known).toMatchObject({ code: -43001, known: true });
    expect(banana).toEqual({ input: 'banana', known: false, error: 'not a VOD code', hint: expect.stringContaining('PascalCase names') });
    expect(lower).toMatchObject({ input: 'sourcefileerror.contentmalformed', didYouMean: 'SourceFileError.ContentMalformed' });
    expect(explainCodes(['sourcefileerror.contentmalformed']).text).toContain(
      '"sourcefileerror.contentmalformed": not a VOD code (did you mean SourceFileError.ContentMalformed?)',
    );
    // Shaped like a 3.0 code but in the wrong case: an unknown code, with the spelling it meant.
    expect(explainCodes(['SOURCEFILEERROR.CONTENTMALFORMED']).text).toContain(
      'SOURCEFILEERROR.CONTENTMALFORMED (unknown code; did you mean SourceFileError.ContentMalformed?)',
    );
    expect(JSON.parse(explainCodes(['Sourcefileerror.Contentmalformed'], { json: true }).text)).toMatchObject({
      known: false,
      didYouMean: 'SourceFileError.ContentMalformed',
    });
  });

  it('prints meaning in Chinese and English, stage/step/cause, retryable and the action', () => {
    const { text } = explainCodes(['-47301']);
    expect(text).toBe(
      [
        '-47301',
        '  meaning (zh): 原文件不符合要求，拼接文件分辨率不一致',
        '  meaning (en): Source file does not meet requirements: the files to concatenate differ in resolution',
        '  stage/step/cause: source / check-concat-inputs / concat-resolution-mismatch',
        '  retryable: no (source)',
        '  what to do: The files to concatenate differ in resolution: re-encode them to one resolution, then concatenate again.',
        '',
      ].join('\n'),
    );
  });
});

describe('vodflow explain (commander)', () => {
  it('takes a negative code as an argument, not an option', async () => {
    const { out, exitCode } = await run(['explain', '-43001', '--json']);
    expect(exitCode).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ code: -43001, stage: 'probe', cause: 'corrupt-file' });
  });

  it('takes several codes, negative and positive, before or after --json and after --', async () => {
    const a = await run(['explain', '--json', '-49101', '4100', '-47301']);
    expect(JSON.parse(a.out).map((c: { retryable: boolean }) => c.retryable)).toEqual([true, false, false]);
    const b = await run(['explain', '--', '-43001', '-44001']);
    expect(b.out).toContain('-44001\n');
    expect(b.exitCode).toBe(0);
  });

  it('sets exit code 1 for an unknown code', async () => {
    const { out, exitCode } = await run(['explain', '-12345']);
    expect(exitCode).toBe(1);
    expect(out).toContain('-12345 (unknown code)');
  });

  it('prints the retry rule, as text or JSON', async () => {
    expect((await run(['explain', '--rule'])).out).toBe(`${RETRY_RULE}\n`);
    expect(JSON.parse((await run(['explain', '--rule', '--json'])).out)).toEqual({ rule: RETRY_RULE });
  });

  it('fails clearly without codes', async () => {
    const { err, exitCode } = await run(['explain']);
    // A usage error, as for every other command (2); 1 is for an unknown code.
    expect(exitCode).toBe(2);
    expect(err).toContain('give at least one code');
  });
});

describe('vodflow explain (spawned bin)', () => {
  // Passes once cli/main.ts registers cli/commands/explain.ts.
  it('node cli/bin.mjs explain -43001 --json', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['cli/bin.mjs', 'explain', '-43001', '--json'], {
      cwd: repoRoot,
      timeout: 30_000,
    });
    expect(JSON.parse(stdout)).toMatchObject({ code: -43001, known: true, step: 'probe-source', retryable: false });
  });
});
