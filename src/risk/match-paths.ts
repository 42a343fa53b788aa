import { Minimatch } from 'minimatch';
import { normalisePath } from '../diff/classify-file.js';

/** A compiled glob list: compile once per config, match many paths. */
export type PathMatcher = (path: string) => boolean;

export function compileGlobs(globs: readonly string[]): PathMatcher {
  const matchers = globs.map((glob) => new Minimatch(normalisePath(glob), { dot: true }));
  return (path) => {
    const normalised = normalisePath(path);
    return matchers.some((m) => m.match(normalised));
  };
}
