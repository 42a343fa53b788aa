// How much of one diff line the models are shown. Minified and data lines can be megabytes long
// and a model learns nothing from the rest of them, so a line is cut; what is cut is unseen and
// raises risk (`unseen.long-line`), and the pattern rules still read the whole line.

/** Models are shown at most this many characters of a line (after blank runs are shortened). */
export const SHOWN_LINE_CHARS = 2_000;

// Padding pushes code out of view: `app.listen(3000);` + 4,100 spaces + a backdoor. A run of blanks
// this long is shown as a count, so the code after it stays in what the model reads.
const LONG_BLANK_RUN = /[ \t]{64,}/g;

export interface ShownLine {
  text: string;
  /** Characters of the line the model does not see (0 when it sees all of it). */
  hiddenChars: number;
}

const count = (n: number) => n.toLocaleString('en-US');

/** A line as the models see it: long blank runs shortened to a count, then cut with a marker. */
export function lineShownToModels(line: string): ShownLine {
  const compact = line.length > SHOWN_LINE_CHARS ? line.replace(LONG_BLANK_RUN, (run) => ` [${count(run.length)} blanks] `) : line;
  if (compact.length <= SHOWN_LINE_CHARS) return { text: compact, hiddenChars: 0 };
  const hiddenChars = compact.length - SHOWN_LINE_CHARS;
  return {
    text: `${compact.slice(0, SHOWN_LINE_CHARS)} [line cut: ${count(hiddenChars)} more characters not shown]`,
    hiddenChars,
  };
}

/** Whether an added line is longer than what models are shown of a line. */
export function isLongLine(line: string): boolean {
  return line.length > SHOWN_LINE_CHARS;
}
