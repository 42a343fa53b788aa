// `/gates` commands in pull request comments. Only a line that starts with the command counts:
// a quote (`> /gates full`) or a code block mentioning it is someone talking about the command.

export type GatesCommand = { kind: 'full' } | { kind: 'rerun' } | { kind: 'help' } | { kind: 'unknown'; word: string };

const COMMAND_LINE = /^\/gates(?:[ \t]+(\S+))?[ \t]*$/;

export function parseGatesCommand(body: string): GatesCommand | undefined {
  let inFence = false;
  for (const raw of body.split(/\r?\n/)) {
    const line = raw.trim();
    if (/^(```|~~~)/.test(line)) inFence = !inFence;
    if (inFence) continue;
    const match = COMMAND_LINE.exec(line);
    if (!match) continue;
    const word = (match[1] ?? 'help').toLowerCase();
    if (word === 'full' || word === 'rerun' || word === 'help') return { kind: word };
    return { kind: 'unknown', word: match[1]! };
  }
  return undefined;
}

export const GATES_HELP = [
  '**riskgate commands** (users with write, maintain or admin access):',
  '',
  '- `/gates full`: run every agent on the strong model for the current head, whatever the risk score.',
  '- `/gates rerun`: run the gate again on the current head (a tier forced on it stays forced).',
  '- `/gates help`: this list.',
].join('\n');
