import type { CheckSink, OpenedChecks } from '../github/check-sink.js';
import { httpStatusOf } from '../github/http-status.js';

/**
 * Check runs when the token may create them; otherwise (403: a fork PR's read-only token, or a
 * workflow without `checks: write`) the fallback, and the log says which and why.
 */
export function fallbackSink(primary: CheckSink, fallback: (why: string) => CheckSink): CheckSink {
  let chosen = primary;
  return {
    async open(repo, headSha): Promise<OpenedChecks> {
      try {
        return await primary.open(repo, headSha);
      } catch (error) {
        if (httpStatusOf(error) !== 403) throw error;
        chosen = fallback("the workflow's token may not create check runs (a fork PR's token is read-only; otherwise grant `checks: write`)");
        return chosen.open(repo, headSha);
      }
    },
    publish: (opened, rendered) => chosen.publish(opened, rendered),
    close: (opened, conclusion, title, summary) => chosen.close(opened, conclusion, title, summary),
  };
}
