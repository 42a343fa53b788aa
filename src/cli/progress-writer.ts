import { formatUsd } from '../report/format-amounts.js';
import type { Writable } from 'node:stream';
import { escapeLine, paintSeverity, paintTier, PLAIN_TERMINAL, type Terminal } from './terminal.js';
import type { ProgressListener } from '../run/review-progress.js';
import type { AgentRun } from '../run/run-agents.js';

// Progress goes to stderr, so stdout keeps only the report (or the JSON) a script reads. On a
// terminal one status line is redrawn in place under the lines that stay; elsewhere (a CI log, a
// pipe) every event is one plain line.

export interface ProgressWriter {
  /** A line that stays. */
  line(text: string): void;
  /** The status line: redrawn on a terminal, not printed elsewhere. */
  status(text: string): void;
  /** Clears the status line: before the report is printed. */
  done(): void;
}

const CLEAR = '\r\x1b[2K';

export const SILENT_PROGRESS: ProgressWriter = { line() {}, status() {}, done() {} };

export function progressWriter(stderr: Writable, term: Terminal): ProgressWriter {
  if (term.quiet) return SILENT_PROGRESS;
  if (!term.liveStderr) return { line: (text) => void stderr.write(`${text}\n`), status() {}, done() {} };
  let shown = '';
  const fit = (text: string) => ([...text].length >= term.width ? `${[...text].slice(0, term.width - 2).join('')}…` : text);
  return {
    line(text) {
      stderr.write(`${CLEAR}${text}\n${shown}`);
    },
    status(text) {
      shown = fit(text);
      stderr.write(`${CLEAR}${shown}`);
    },
    done() {
      if (shown) stderr.write(CLEAR);
      shown = '';
    },
  };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function outcomeText(run: AgentRun, term: Terminal): string {
  const findings = run.findings.length;
  const worst = run.findings.some((f) => f.severity === 'blocker') ? 'blocker' : run.findings.some((f) => f.severity === 'warning') ? 'warning' : 'note';
  const found = findings > 0 ? paintSeverity(term, worst, plural(findings, 'finding')) : 'no findings';
  if (run.outcome === 'ok') return run.fromCache ? `ok (cached): ${found}` : `ok: ${found}, ${seconds(run.latencyMs)}, ${formatUsd(run.usd)}`;
  return `${paintSeverity(term, 'blocker', run.outcome)}: ${escapeLine(run.reason ?? '')}`;
}

/** `riskgate review`'s progress: score, tier and plan at once, then each agent as it starts and ends. */
export function reviewProgress(writer: ProgressWriter, stdoutTerm: Terminal, now: () => number = () => performance.now()): ProgressListener {
  const began = now();
  const term = { ...stdoutTerm, colour: stdoutTerm.colourStderr ?? stdoutTerm.colour };
  const running = new Map<string, string>();
  let total = 0;
  let finished = 0;
  const redraw = () => {
    if (running.size === 0) return writer.done();
    writer.status(`riskgate review: ${finished} of ${total} agents done; waiting for ${[...running].map(([a, m]) => `${a} (${m})`).join(', ')}; ${seconds(now() - began)}`);
  };
  return (event) => {
    switch (event.kind) {
      case 'planned': {
        total = event.agents.length;
        finished = 0;
        const agents = event.agents.map((a) => `${a.agent} (${a.model})`).join(', ') || 'no agents';
        if (event.rerun) writer.line(`riskgate review: ${escapeLine(event.reasons.at(-1) ?? 'raised')}: running again at ${paintTier(term, event.tier)}`);
        else writer.line(`riskgate review: score ${event.score}/100, tier ${paintTier(term, event.tier)} (${escapeLine(event.reasons.join('; '))})`);
        writer.line(`riskgate review: plan: ${agents}`);
        return;
      }
      case 'agent-started':
        running.set(event.agent, event.model);
        writer.line(`riskgate review: ${event.agent} started on ${event.model}`);
        return redraw();
      case 'agent-finished':
        running.delete(event.run.agent);
        finished++;
        writer.line(`riskgate review: ${event.run.agent} ${outcomeText(event.run, term)}`);
        return redraw();
      case 'verified':
        writer.line(`riskgate review: verification of ${plural(event.checked, 'finding')} on ${event.run.model ?? 'the strong model'}: ${event.confirmed} confirmed, ${event.rejected} rejected${event.run.outcome === 'ok' ? '' : ` (${event.run.outcome})`}`);
        return;
    }
  };
}

/**
 * A long step of `calibrate` or `eval`: counts, elapsed time and an ETA. On a terminal the status
 * line is redrawn at each item; elsewhere a line is printed at each tenth of the way and at the end.
 */
export function stepProgress(writer: ProgressWriter, term: Terminal, label: string, now: () => number = () => performance.now()) {
  const began = now();
  let lastTenth = -1;
  return (done: number, total: number, what: string) => {
    const elapsed = now() - began;
    const eta = done > 0 && done < total ? `, ETA ${duration((elapsed / done) * (total - done))}` : '';
    const text = `${label}: ${done} of ${total} ${what}, ${duration(elapsed)} elapsed${eta}`;
    const tenth = total > 0 ? Math.floor((done * 10) / total) : 10;
    if (done >= total) {
      writer.done();
      writer.line(text);
    } else if (term.liveStderr) writer.status(text);
    else if (tenth > lastTenth) writer.line(text);
    lastTenth = Math.max(lastTenth, tenth);
  };
}

export function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.round((s % 3600) / 60)).padStart(2, '0')} min`;
}

/** Progress of a long command (`calibrate`, `eval`) on stderr: its messages, and counts with an ETA. */
export function commandProgress(io: { stderr: Writable; term?: Terminal }, label: string) {
  const term = io.term ?? PLAIN_TERMINAL;
  const writer = progressWriter(io.stderr, term);
  const steps = new Map<string, ReturnType<typeof stepProgress>>();
  return {
    message: (text: string) => writer.line(`${label}: ${escapeLine(text)}`),
    step(done: number, total: number, what: string) {
      let step = steps.get(what);
      if (!step) steps.set(what, (step = stepProgress(writer, term, label)));
      step(done, total, what);
    },
    /** A message with "N of M" in it: the count is shown with the time elapsed and an ETA. */
    counted(text: string) {
      const counted = /^(.*?)(\d+) of (\d+) (.+)$/.exec(text);
      if (!counted) return writer.line(`${label}: ${escapeLine(text)}`);
      const [, verb, done, total, what] = counted as unknown as [string, string, string, string, string];
      this.step(Number(done), Number(total), `${what}${verb ? ` ${verb.trim()}` : ''}`);
    },
    /** A whole status line: redrawn on a terminal, one line each elsewhere. */
    update: (text: string) => (term.liveStderr ? writer.status(text) : writer.line(text)),
    done: () => writer.done(),
  };
}
