// Runs one bench section in a fresh process (its own stacks, caches and memory) and hands the
// result to bench/run.ts.
import { toParent } from './proc';
import { SECTIONS, type SectionName } from './sections';
import { removeClips } from './media';

const parent = toParent();
const [name, flag] = process.argv.slice(2) as [SectionName, string | undefined];
try {
  const section = await SECTIONS[name](flag === '--quick');
  parent.send({ section });
} catch (error) {
  parent.send({ error: (error as Error).stack ?? String(error) });
} finally {
  await removeClips();
}
process.exit(0);
