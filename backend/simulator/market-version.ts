// Which market model wrote a path. A model can only continue its own path: a checkpoint or a log
// from another one is refused with one line that says what to do, never continued on the wrong
// model's maths (which would silently change the tape's character mid-log).

/** Recorded in every checkpoint. Model 1 was ticktape 0.1's: one mid-priced tick per symbol per step. */
export const MARKET_MODEL_VERSION = 2;

/** What each earlier model was, for the refusal. */
const MODEL_DESCRIPTIONS: Readonly<Record<number, string>> = { 1: 'one mid-priced tick per symbol per step' };

/**
 * The one line that refuses a path written by market model `found`, e.g. for the database it is in:
 * `ticks.db was written by market model 1 (one mid-priced tick per symbol per step); this ticktape
 * runs model 2 and cannot continue it: start a new log with another --db, or run ticktape 0.1 on this one`.
 */
export function modelVersionRefusal(where: string, found: number): string {
  const description = MODEL_DESCRIPTIONS[found];
  const what = description === undefined ? `market model ${found}` : `market model ${found} (${description})`;
  const elsewhere = found === 1 ? 'run ticktape 0.1 on this one' : 'run the ticktape version that wrote it';
  return (
    `${where} was written by ${what}; this ticktape runs model ${MARKET_MODEL_VERSION} and cannot continue it: ` +
    `start a new log with another --db, or ${elsewhere}`
  );
}

/** Thrown by `restore` and `resumeFromEvents` for a path another market model wrote. */
export class ModelVersionError extends Error {
  /** The model that wrote the path (1 for a checkpoint or tick without a model version). */
  readonly found: number;

  constructor(found: number) {
    super(modelVersionRefusal('this log', found));
    this.name = 'ModelVersionError';
    this.found = found;
  }
}
