import { createReadStream, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { fileURLToPath } from 'node:url';

export interface LabelledCommit {
  repo: string;
  sha: string;
  buggy: boolean;
  message: string;
  la: number;
  ld: number;
  diff: string;
  diff_truncated: boolean;
}

/** `../shared/data/risk-eval/dev-patches.jsonl.gz` beside this checkout, or RISKGATE_EVAL_DATA. */
export function riskEvalPath(): string {
  const path =
    process.env.RISKGATE_EVAL_DATA ?? fileURLToPath(new URL('../../../shared/data/risk-eval/dev-patches.jsonl.gz', import.meta.url));
  if (!existsSync(path)) throw new Error(`evaluation data not found at ${path} (set RISKGATE_EVAL_DATA)`);
  return path;
}

export async function readLabelledCommits(path = riskEvalPath()): Promise<LabelledCommit[]> {
  const lines = createInterface({ input: createReadStream(path).pipe(createGunzip()), crlfDelay: Infinity });
  const commits: LabelledCommit[] = [];
  for await (const line of lines) if (line.trim()) commits.push(JSON.parse(line) as LabelledCommit);
  return commits;
}

/** The commit message as PR text: subject as title, the rest as body. */
export function messageAsText(message: string): { title: string; body: string } {
  const [title = '', ...rest] = message.split('\n');
  return { title, body: rest.join('\n').trim() };
}
