import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The README and the reference pages under docs/: where measured figures are written. */
function documents(): string[] {
  const docs = readdirSync(`${ROOT}docs`, { withFileTypes: true }).filter((d) => d.isFile() && d.name.endsWith('.md'));
  return [`${ROOT}README.md`, ...docs.map((d) => `${ROOT}docs/${d.name}`)];
}

/**
 * Replaces the text between `<!-- NAME:start -->` and `<!-- NAME:end -->` in whichever document
 * (README.md or docs/*.md) holds them; false when none does.
 */
export function updateReadmeSection(name: string, content: string): boolean {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  for (const path of documents()) {
    const text = readFileSync(path, 'utf8');
    const from = text.indexOf(start);
    const to = text.indexOf(end);
    if (from === -1 || to < from) continue;
    writeFileSync(path, `${text.slice(0, from + start.length)}\n${content}\n${text.slice(to)}`);
    return true;
  }
  return false;
}
