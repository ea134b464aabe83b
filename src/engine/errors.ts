/**
 * The one error type the engine throws for bad input. It names where the problem is
 * (file and field path) and how to fix it, so the CLI can print it and the extension can
 * turn it into a diagnostic without parsing prose.
 */
export class EngineError extends Error {
  constructor(
    /** JSON-pointer-like path of the offending field, e.g. `model.sub_rnn.msg_size`; '' for the whole input. */
    readonly path: string,
    message: string,
    /** One sentence telling the user what to change. */
    readonly fix: string,
    /** The file the input came from, when there is one. */
    readonly file?: string,
  ) {
    super(`${file ? `${file}: ` : ''}${path ? `${path}: ` : ''}${message}${fix ? ` (fix: ${fix})` : ''}`);
    this.name = 'EngineError';
  }

  /** The same error, attributed to a file. */
  inFile(file: string): EngineError {
    return new EngineError(this.path, this.rawMessage(), this.fix, file);
  }

  rawMessage(): string {
    const prefix = `${this.file ? `${this.file}: ` : ''}${this.path ? `${this.path}: ` : ''}`;
    const suffix = this.fix ? ` (fix: ${this.fix})` : '';
    return this.message.slice(prefix.length, this.message.length - suffix.length);
  }
}

/** Throws an EngineError unless `cond` holds. */
export function check(cond: boolean, path: string, message: string, fix: string): asserts cond {
  if (!cond) throw new EngineError(path, message, fix);
}
