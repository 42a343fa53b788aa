// Time on hostile text of the two parsers riskgate runs on what anyone may write: the /gates
// command parser (every PR comment that mentions /gates, up to GitHub's 65,536 characters) and the
// secret redactor (every error, log line and check run). Run: `npm run build && node
// build/bench/hostile-text-bench.js`. Prints the fastest of 5 runs per case, in ms.
import { parseGatesCommand } from '../src/app/gates-command.js';
import { redactCredentialShapes } from '../src/security/redact-secrets.js';

// GitHub refuses a longer comment: "body is too long (maximum is 65536 characters)".
const MAX_COMMENT = 65_536;

function fastest(run: () => void): number {
  let best = Infinity;
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    run();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

const fill = (unit: string, size: number, prefix = '') => (prefix + unit.repeat(Math.ceil(size / unit.length))).slice(0, size);

const comments: Record<string, string> = {
  'plain words': 'word ',
  'open brackets [': '[',
  'image openers ![': '![',
  'emphasis *a': '*a',
  'link openers [a](': '[a](',
  'mixed [`<!': '[`<!',
  'backslashes': '\\',
  'fences ```': '```\n',
  'HTML comments <!--': '<!--',
};
console.log(`| /gates parser, ${MAX_COMMENT.toLocaleString('en-US')}-character comment | ms |`);
console.log('|---|---|');
for (const [name, unit] of Object.entries(comments)) {
  const text = fill(unit, MAX_COMMENT, '/gates full\n');
  console.log(`| ${name} | ${fastest(() => parseGatesCommand(text)).toFixed(1)} |`);
}

const secrets: Record<string, string> = {
  'sk-ant- prefixes': 'sk-ant-x ',
  'Bearer schemes': 'Bearer ',
  'x-api-key fields': 'x-api-key: ',
  'URL credentials ://a:': '://a:',
  'unterminated PEM blocks': '-----BEGIN RSA PRIVATE KEY-----',
};
console.log('\n| redactor, hostile text | 100 KB ms | 1 MB ms |');
console.log('|---|---|---|');
for (const [name, unit] of Object.entries(secrets)) {
  const small = fill(unit, 100_000);
  const large = fill(unit, 1_000_000);
  console.log(`| ${name} | ${fastest(() => redactCredentialShapes(small)).toFixed(1)} | ${fastest(() => redactCredentialShapes(large)).toFixed(1)} |`);
}
