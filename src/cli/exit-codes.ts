// What `riskgate` exits with. CI scripts branch on these: a typo (2) must not look like an outage (3),
// and neither may ever look like a pass (0).

export const EXIT = {
  /** Done; for `review`, the gate passed. */
  ok: 0,
  /** The gate failed: blocking findings, or the change itself made riskgate fail (`unreviewable`); `score --jsonl`: some lines failed. */
  failed: 1,
  /** Usage, configuration or input error: an unknown command or option, a missing key, a bad config or diff, no repository. */
  usage: 2,
  /** Could not decide: an agent failed, timed out or was stopped by a budget, or the model API was out. Try again later. */
  undecided: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The exit status table, as `--help` and docs/cli.md show it. */
export const EXIT_STATUS_HELP = `Exit status:
  0  done; review: the gate passed
  1  review: the gate failed (blocking findings, or the change made riskgate fail);
     score --jsonl: some lines could not be scored
  2  usage or configuration error: unknown command or option, missing ANTHROPIC_API_KEY,
     invalid config or diff, not a git repository (the message says which)
  3  could not decide: an agent failed, timed out or was stopped by a budget, or the model
     API was unavailable (review, eval findings); nothing blocking was found: retry later`;
