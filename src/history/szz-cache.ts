import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import type { TracedFile } from './replay-line-origins.js';

// What SZZ found for each fix, kept in the repository's own git directory: a commit never
// changes, so neither does what its deleted lines trace back to. A second `calibrate` reads it
// and skips the replay when every fix of the window is here. Bump the version when the tracing
// rules change (which lines count, how origins are found).
export const SZZ_CACHE_VERSION = 1;

const tracedFile = z.object({
  path: z.string(),
  // Line numbers only: the text was needed to choose the lines, not afterwards.
  lines: z.array(z.number().int()),
  origins: z.array(z.string().nullable()),
  unknown: z.boolean(),
});
const cacheFile = z.object({ version: z.literal(SZZ_CACHE_VERSION), fixes: z.record(z.string(), z.array(tracedFile)) });

export interface SzzCache {
  get(fix: string): TracedFile[] | undefined;
  set(fix: string, files: TracedFile[]): void;
  save(): Promise<void>;
  readonly path: string;
}

export function szzCachePath(gitCommonDir: string): string {
  return join(gitCommonDir, 'riskgate', `szz-v${SZZ_CACHE_VERSION}.json`);
}

/** Opens the cache; a missing, unreadable or older-version file is an empty cache. */
export async function openSzzCache(path: string): Promise<SzzCache> {
  let fixes: Record<string, z.output<typeof tracedFile>[]> = {};
  try {
    const parsed = cacheFile.safeParse(JSON.parse(await readFile(path, 'utf8')));
    if (parsed.success) fixes = parsed.data.fixes;
  } catch {
    // No cache yet.
  }
  let dirty = false;
  return {
    path,
    get: (fix) =>
      fixes[fix]?.map((f) => ({ ...f, lines: f.lines.map((line) => ({ line, text: '' })), origins: f.origins.map((o) => o ?? undefined) })),
    set(fix, files) {
      fixes[fix] = files.map((f) => ({ ...f, lines: f.lines.map((l) => l.line), origins: f.origins.map((o) => o ?? null) }));
      dirty = true;
    },
    async save() {
      if (!dirty) return;
      await mkdir(dirname(path), { recursive: true });
      const temporary = `${path}.${process.pid}.tmp`;
      await writeFile(temporary, JSON.stringify({ version: SZZ_CACHE_VERSION, fixes }));
      await rename(temporary, path);
      dirty = false;
    },
  };
}
