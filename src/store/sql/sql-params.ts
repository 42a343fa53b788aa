/**
 * A statement's parameters as it is built: `add` keeps a value and returns the placeholder that
 * names it, so one builder writes the same SQL for both engines.
 */
export class SqlParams {
  readonly values: unknown[] = [];

  private constructor(private readonly placeholder: (position: number) => string) {}

  /** SQLite numbers parameters by position: `?`. */
  static sqlite(): SqlParams {
    return new SqlParams(() => '?');
  }

  /** PostgreSQL numbers them from 1: `$1`, `$2`. */
  static postgres(): SqlParams {
    return new SqlParams((position) => `$${position}`);
  }

  add(value: unknown): string {
    this.values.push(value);
    return this.placeholder(this.values.length);
  }
}
