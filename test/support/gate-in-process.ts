import { Octokit } from '@octokit/rest';
import { checkRunSink } from '../../src/github/check-run-sink.js';
import { gatePullRequest, type GateOutcome, type GateRequest } from '../../src/github/gate-pull-request.js';
import { octokitGitHub } from '../../src/github/octokit-github.js';
import { AnthropicModel } from '../../src/model/anthropic-model.js';
import { createCallLimiter } from '../../src/run/call-limiter.js';
import type { ResultStore } from '../../src/store/result-store.js';
import type { AnthropicTestServer } from './anthropic-server.js';
import type { GitHubServer } from './github-server.js';

/**
 * Gates one pull request as the App and the Action do (an installation token, the App's own
 * checks), in this process, against the local GitHub and Messages API servers; a gate that does
 * not complete fails the test with its outcome.
 */
export async function gateInProcess(
  github: GitHubServer,
  anthropic: AnthropicTestServer,
  store: ResultStore,
  appId: number,
  request: GateRequest,
): Promise<Extract<GateOutcome, { status: 'completed' }>> {
  const port = octokitGitHub(new Octokit({ auth: github.createInstallationToken(), baseUrl: github.url }), { id: appId });
  const outcome = await gatePullRequest(request, {
    github: port,
    checks: checkRunSink(port),
    model: new AnthropicModel({ apiKey: 'sk-test', baseURL: anthropic.url, maxRetries: 0 }),
    store,
    limiter: createCallLimiter(4),
    offerFullRun: false,
    log: { info: () => undefined, warn: () => undefined },
  });
  if (outcome.status !== 'completed') throw new Error(`gate ${outcome.status}: ${JSON.stringify(outcome)}`);
  return outcome;
}
