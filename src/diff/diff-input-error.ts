/** Input that is not a diff riskgate can read: empty, binary data, or not a unified diff. */
export class DiffInputError extends Error {
  override name = 'DiffInputError';

  /** `line`: the 1-based input line the problem is on, when there is one. */
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
  }
}
