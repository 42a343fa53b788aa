/** Input that is not a diff riskgate can read: empty, binary data, or not a unified diff. */
export class DiffInputError extends Error {
  override name = 'DiffInputError';
}
