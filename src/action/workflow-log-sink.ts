import { plural } from '../report/format-amounts.js';
import * as core from '@actions/core';
import type { CheckSink } from '../github/check-sink.js';
import type { CheckAnnotation } from '../report/finding-annotations.js';
import type { RenderedCheck } from '../report/render-checks.js';
import { redactCredentialShapes, type Redact } from '../security/redact-secrets.js';

// "GitHub Actions are limited to 10 warning annotations and 10 error annotations per step":
// further ones are dropped by GitHub silently, so riskgate stops there and the summary lists all.
export const MAX_LOG_ANNOTATIONS_PER_LEVEL = 10;

const LOG: Record<CheckAnnotation['annotation_level'], typeof core.error> = { failure: core.error, warning: core.warning, notice: core.notice };

function annotate(checks: readonly RenderedCheck[], redact: Redact): number {
  const used = new Map<CheckAnnotation['annotation_level'], number>();
  let left = 0;
  for (const a of checks.flatMap((c) => c.annotations)) {
    const n = used.get(a.annotation_level) ?? 0;
    if (n >= MAX_LOG_ANNOTATIONS_PER_LEVEL) {
      left++;
      continue;
    }
    used.set(a.annotation_level, n + 1);
    LOG[a.annotation_level](redact(a.message), { file: a.path, startLine: a.start_line, endLine: a.end_line, ...(a.title !== undefined ? { title: redact(a.title) } : {}) });
  }
  return left;
}

/**
 * Where the token may not create check runs (a fork PR's read-only token): findings become log
 * annotations on the diff and the report becomes the job summary; the job's exit is the gate.
 */
export function workflowLogSink(why: string, redact: Redact = redactCredentialShapes): CheckSink {
  return {
    async open(repo, headSha) {
      core.info(`riskgate: ${why}; results go to this job's log and summary`);
      return { repo, headSha };
    },
    async publish(_opened, rendered) {
      const checks = [rendered.umbrella, ...rendered.agents];
      const left = annotate(checks, redact);
      const sections = checks.map((c) => `## ${c.name}: ${c.conclusion}\n\n**${c.title}**\n\n${c.summary}`);
      await core.summary
        .addRaw(`> riskgate wrote no check runs: ${why}.${left > 0 ? ` ${plural(left, 'finding')} beyond GitHub's ${MAX_LOG_ANNOTATIONS_PER_LEVEL} log annotations per level are listed below only.` : ''}\n\n`)
        .addRaw(redact(sections.join('\n\n')))
        .write();
    },
    async close(_opened, conclusion, title, summary) {
      core.info(redact(`riskgate: ${conclusion}: ${title}`));
      await core.summary.addRaw(redact(`## riskgate: ${conclusion}\n\n**${title}**\n\n${summary}`)).write();
    },
  };
}
