// Redis for tests: the redis-server processes come from scripts/lib/redis-server.ts (benchmarks
// use them too); suites built with `redisSuite` skip loudly when the binary is missing, or fail
// when TICKTAPE_REQUIRE_REDIS=1 (CI) says Redis must be tested.
import { suite, type Test } from 'uvu';
import { REDIS_BINARY, redisAvailable } from '../../../scripts/lib/redis-server.ts';
import { missingProgramSuite } from './missing-program-suite.ts';

export { freePort, redisAvailable, startRedis, type RedisHandle } from '../../../scripts/lib/redis-server.ts';

export function redisRequired(): boolean {
  return process.env.TICKTAPE_REQUIRE_REDIS === '1';
}

const MISSING_NOTICE = (count: number): string =>
  `SKIPPED: ${REDIS_BINARY} not found; ${count} Redis tests skipped. ` +
  'Install redis-server or set TICKTAPE_REQUIRE_REDIS=1 to make this fatal.';

/**
 * A uvu suite for tests that need a real redis-server. With the binary present it is a plain suite.
 * Without it, every test is registered as skipped and `run()` prints a loud notice on stderr; with
 * TICKTAPE_REQUIRE_REDIS=1 the suite instead holds one failing test naming the missing binary.
 */
export function redisSuite(name: string): Test {
  if (redisAvailable()) return suite(name);
  return missingProgramSuite(name, {
    required: redisRequired(),
    requiredTest: `${REDIS_BINARY} must be on PATH (TICKTAPE_REQUIRE_REDIS=1)`,
    requiredError: `${REDIS_BINARY} not found on PATH, and TICKTAPE_REQUIRE_REDIS=1 makes Redis tests mandatory`,
    notice: MISSING_NOTICE,
  });
}
