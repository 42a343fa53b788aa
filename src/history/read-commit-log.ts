import { unquoteGitPath } from '../diff/unquote-git-path.js';
import type { FileStatus } from '../diff/diff-file.js';
import type { HistoryCommit, HistoryFile } from './history-commit.js';

// Record separator: a commit header opens with it and its message closes with it, so messages
// may hold any line at all.
const RS = '\x1e';

/** `git log` arguments whose output `readCommitLog` reads: non-merge commits, oldest first. */
export function commitLogArgs(revision: string, before?: Date): string[] {
  return [
    'log',
    '--reverse',
    '--topo-order',
    '--no-merges',
    '-M',
    '--raw',
    '--numstat',
    '--no-abbrev',
    '--no-color',
    '--no-ext-diff',
    '--no-textconv',
    // log.showRoot=false would hide the root commit's files; log.showSignature would add gpg's lines.
    '--root',
    '--no-show-signature',
    `--format=${RS}%H %P%n%at%n%ae%n%an%n%B${RS}`,
    ...(before ? [`--before=${before.toISOString()}`] : []),
    revision,
    '--',
  ];
}

const STATUS: Record<string, FileStatus> = {
  A: 'added',
  D: 'deleted',
  M: 'modified',
  R: 'renamed',
  C: 'copied',
  T: 'mode-changed',
};

interface RawEntry {
  status: FileStatus;
  oldBlob: string;
  newBlob: string;
  path: string;
  previousPath?: string;
}

/** `:100644 100644 <old> <new> R087\told\tnew` */
export function parseRawLine(line: string): RawEntry | undefined {
  const tab = line.indexOf('\t');
  if (!line.startsWith(':') || line.startsWith('::') || tab < 0) return undefined;
  const meta = line.slice(1, tab).split(' ');
  const paths = line.slice(tab + 1).split('\t').map(unquoteGitPath);
  const status = STATUS[(meta[4] ?? '').charAt(0)];
  if (!status || meta.length < 5 || paths.length === 0) return undefined;
  const twoPaths = paths.length === 2;
  return {
    status,
    oldBlob: meta[2]!,
    newBlob: meta[3]!,
    path: twoPaths ? paths[1]! : paths[0]!,
    ...(twoPaths ? { previousPath: paths[0]! } : {}),
  };
}

interface Pending {
  header: string[];
  message: string[];
  inMessage: boolean;
  raw: RawEntry[];
  numstat: Array<{ additions: number; deletions: number; binary: boolean }>;
}

function finish(p: Pending): HistoryCommit {
  const [first = '', time = '0', email = '', name = ''] = p.header;
  const [sha = '', ...parents] = first.split(' ').filter(Boolean);
  // numstat lines come in the same order as raw lines; raw lines carry the unambiguous paths.
  const files: HistoryFile[] = p.raw.map((entry, i) => {
    const counts = p.numstat[i] ?? { additions: 0, deletions: 0, binary: false };
    return { ...entry, ...counts };
  });
  return {
    sha,
    parents,
    time: Number(time),
    authorEmail: email.toLowerCase(),
    authorName: name,
    message: p.message.join('\n').trim(),
    files,
  };
}

/** Reads the output of `git log` run with `commitLogArgs`, one commit at a time. */
export async function* readCommitLog(lines: AsyncIterable<string>): AsyncGenerator<HistoryCommit> {
  let pending: Pending | undefined;
  for await (const line of lines) {
    if (pending?.inMessage) {
      if (line.endsWith(RS)) {
        pending.message.push(line.slice(0, -1));
        pending.inMessage = false;
      } else if (pending.header.length < 4) {
        pending.header.push(line);
      } else {
        pending.message.push(line);
      }
      continue;
    }
    if (line.startsWith(RS)) {
      if (pending) yield finish(pending);
      pending = { header: [line.slice(1)], message: [], inMessage: true, raw: [], numstat: [] };
      continue;
    }
    if (!pending || line === '') continue;
    if (line.startsWith(':')) {
      const entry = parseRawLine(line);
      if (entry) pending.raw.push(entry);
      continue;
    }
    const [added, deleted] = line.split('\t', 2);
    if (added === '-' && deleted === '-') pending.numstat.push({ additions: 0, deletions: 0, binary: true });
    else if (added !== undefined && deleted !== undefined && /^\d+$/.test(added) && /^\d+$/.test(deleted)) {
      pending.numstat.push({ additions: Number(added), deletions: Number(deleted), binary: false });
    }
  }
  if (pending) yield finish(pending);
}
