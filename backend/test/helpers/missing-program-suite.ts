// The stand-in for a suite whose tests need a program that is not installed (redis-server, nginx):
// every test is registered as skipped and `run()` prints a loud notice on stderr, or, when the
// program is required (CI sets TICKTAPE_REQUIRE_*=1), the suite holds one failing test instead.
import { suite, type Test } from 'uvu';

export interface MissingProgram {
  /** Whether a missing program fails the suite rather than skipping it. */
  required: boolean;
  /** The failing test's name and error, when required. */
  requiredTest: string;
  requiredError: string;
  /** The notice printed when the tests were skipped. */
  notice: (skipped: number) => string;
}

/**
 * A suite that registers nothing but skips: it stands in for a uvu suite or a `browserSuite`
 * (hooks and `cleanup` do nothing), so a test file reads the same whether the program exists.
 */
export function missingProgramSuite(title: string, missing: MissingProgram): Test & { cleanup(fn: () => unknown): void; suite: Test } {
  const standIn = suite(title);
  if (missing.required) {
    standIn(missing.requiredTest, () => {
      throw new Error(missing.requiredError);
    });
  }
  let skipped = 0;
  const skip = (testName?: string): void => {
    skipped++;
    standIn.skip(testName);
  };
  const noHook = Object.assign((): void => {}, { each: (): void => {} });
  return Object.assign(skip, {
    only: skip,
    skip,
    before: noHook,
    after: noHook,
    cleanup: (): void => {},
    suite: standIn,
    run(): void {
      if (!missing.required) {
        const bar = '!'.repeat(100);
        process.stderr.write(`\n${bar}\n${missing.notice(skipped)}\n(suite: ${title})\n${bar}\n\n`);
      }
      standIn.run();
    },
  });
}
