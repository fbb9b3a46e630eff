// Runs an async task for every burst of requests, never two runs at once: every request made in one
// task is served by a single run (a microtask later), and a request made during a run makes exactly
// one more run after it.

/** idle → queued (a microtask will run) → running → (asked again meanwhile) again → running … → idle */
export type RunnerState = 'idle' | 'queued' | 'running' | 'again';

export interface Runner {
  readonly state: RunnerState;
  request(): void;
}

/** `stopped()` ends a series of runs early: once true, a pending "again" is dropped. */
export function coalescingRunner(run: () => Promise<void>, stopped: () => boolean): Runner {
  let state: RunnerState = 'idle';

  // A function, so that TypeScript does not assume `state` is still what the loop set before awaiting.
  const askedAgain = (): boolean => state === 'again';

  async function start(): Promise<void> {
    try {
      do {
        state = 'running';
        await run();
      } while (askedAgain() && !stopped());
    } finally {
      state = 'idle';
    }
  }

  return {
    get state() {
      return state;
    },
    request() {
      if (state === 'idle') {
        state = 'queued';
        queueMicrotask(() => void start());
      } else if (state === 'running') {
        state = 'again';
      }
    },
  };
}
