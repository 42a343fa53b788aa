import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const README = fileURLToPath(new URL('../../README.md', import.meta.url));

/** Replaces the text between `<!-- NAME:start -->` and `<!-- NAME:end -->` in the README. */
export function updateReadmeSection(name: string, content: string): boolean {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const readme = readFileSync(README, 'utf8');
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from === -1 || to < from) return false;
  writeFileSync(README, `${readme.slice(0, from + start.length)}\n${content}\n${readme.slice(to)}`);
  return true;
}
