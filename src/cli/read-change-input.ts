import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DiffInputError } from '../diff/diff-input-error.js';
import type { GitAttributes } from '../diff/match-git-attributes.js';
import { resolveGitChange } from '../git/resolve-change.js';
import type { UntrustedText } from '../risk/risk-factor.js';
import { readAll, UsageError, type CliIo } from './cli-io.js';
import { resolveAttributes } from './resolve-attributes.js';
import { resolveConfig, type ResolvedConfig } from './resolve-config.js';
import { resolveModel, type ResolvedModel } from './resolve-model.js';

export interface ChangeInputOptions {
  range?: string;
  diff?: string;
  title?: string;
  body?: string;
  config?: string;
  /** A model file, or false for none (`--no-model`); default: the base revision's. */
  model?: string | false;
}

export interface ChangeInput {
  diffText: string;
  text: UntrustedText;
  label: string;
  resolved: ResolvedConfig;
  /** The linguist lines of `.gitattributes`, read where the config is: which files are vendored or generated. */
  attributes: GitAttributes;
  /** The calibrated model in force, if any. */
  model?: ResolvedModel;
  /** The local repository range, when the change came from git: what history features are measured on. */
  git?: { root: string; base: string; head: string };
}

/** Decodes input bytes; NUL bytes mean it is no diff at all. */
export function decodeDiffBytes(bytes: Buffer): string {
  if (bytes.includes(0)) throw new DiffInputError('the input is binary data (it contains NUL bytes), not a unified diff');
  return bytes.toString('utf8');
}

/** The diff to score and its config: from --diff FILE or stdin, or from the local repository. */
export async function readChangeInput(io: CliIo, options: ChangeInputOptions): Promise<ChangeInput> {
  const explicitText = (text: UntrustedText): UntrustedText => ({
    ...text,
    ...(options.title !== undefined ? { title: options.title } : {}),
    ...(options.body !== undefined ? { body: options.body } : {}),
  });
  if (options.diff !== undefined) {
    if (options.range) throw new UsageError('give either RANGE or --diff, not both');
    let bytes: Buffer;
    if (options.diff === '-') {
      bytes = await readAll(io.stdin);
    } else {
      try {
        bytes = readFileSync(resolve(io.cwd, options.diff));
      } catch (error) {
        throw new UsageError(`cannot read ${options.diff}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
      }
    }
    const model = await resolveModel(io.cwd, options.model);
    return {
      diffText: decodeDiffBytes(bytes),
      text: explicitText({}),
      label: options.diff === '-' ? 'diff from stdin' : options.diff,
      resolved: await resolveConfig(io.cwd, options.config),
      attributes: await resolveAttributes(io.cwd),
      ...(model ? { model } : {}),
    };
  }
  const change = await resolveGitChange(io.cwd, options.range);
  if (change.diffText.trim() === '') throw new DiffInputError(`nothing to score: ${change.label} changes no files`);
  const fromGit: UntrustedText = {
    ...(change.title !== undefined ? { title: change.title } : {}),
    ...(change.body !== undefined ? { body: change.body } : {}),
  };
  const git = { root: change.root, base: change.base, head: change.head };
  const model = await resolveModel(io.cwd, options.model, git);
  return {
    diffText: change.diffText,
    text: explicitText(fromGit),
    label: change.label,
    resolved: await resolveConfig(io.cwd, options.config, git),
    attributes: await resolveAttributes(change.root, git),
    ...(model ? { model } : {}),
    git,
  };
}
