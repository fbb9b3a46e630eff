// Minimal SSE clients for benchmarks, over raw `http.get` on loopback. A counting client does the
// least a client can: it counts frame ends (an event is dispatched at a blank line, WHATWG HTML
// §9.2.6, and the server emits LF only, so a frame ends at "\n\n") and bytes. A probe client also
// reads each tick's `ts` (its wall-clock stamp at generation) and records receipt time − ts.
//
// The stream the server sends is: a snapshot or replayed ticks (the first block opens with the
// `retry:` line), then live ticks; heartbeat comments end no block, so every frame is an event.
import http from 'node:http';
import { performance } from 'node:perf_hooks';

const LF = 0x0a;
const FRAME_END = '\n\n';
const TS_FIELD = '"ts":';

export interface SseCounter {
  readonly status: number;
  /** Frames (event blocks) received, every kind (snapshot, reset, tick). */
  readonly frames: number;
  readonly bytes: number;
  /** True once the connection has ended or failed. */
  readonly closed: boolean;
  /** Probe clients only: ms from each tick's `ts` to its receipt, while `recording`. */
  readonly latencies: number[];
  recording: boolean;
  /** Resolves when `frames` reaches `count`; rejects at the deadline or if the stream ends first. */
  waitFrames(count: number, timeoutMs: number): Promise<void>;
  close(): void;
}

export interface CounterOptions {
  headers?: Record<string, string>;
  /** Parse every tick for its latency (costs a string decode per chunk). */
  probe?: boolean;
}

/** Resolves once the response headers are in. */
export function openCounter(url: string, options: CounterOptions = {}): Promise<SseCounter> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, headers: { Accept: 'text/event-stream', ...options.headers } }, (res) => {
      let frames = 0;
      let bytes = 0;
      let closed = false;
      let endedWithLf = false;
      let partial = '';
      const latencies: number[] = [];
      let waiter: { count: number; resolve: () => void; reject: (err: Error) => void } | null = null;

      const counter: SseCounter = {
        status: res.statusCode ?? 0,
        get frames() {
          return frames;
        },
        get bytes() {
          return bytes;
        },
        get closed() {
          return closed;
        },
        latencies,
        recording: false,
        waitFrames(count, timeoutMs) {
          if (frames >= count) return Promise.resolve();
          if (closed) return Promise.reject(new Error(`stream ended after ${frames} frames, wanted ${count}`));
          return new Promise((resolveWait, rejectWait) => {
            const timer = setTimeout(() => {
              waiter = null;
              rejectWait(new Error(`timed out after ${timeoutMs} ms with ${frames} of ${count} frames`));
            }, timeoutMs);
            waiter = {
              count,
              resolve: () => {
                clearTimeout(timer);
                resolveWait();
              },
              reject: (err) => {
                clearTimeout(timer);
                rejectWait(err);
              },
            };
          });
        },
        close() {
          req.destroy();
        },
      };

      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        // A frame end split across chunks: "\n" | "\n".
        if (endedWithLf && chunk[0] === LF) frames++;
        for (let at = chunk.indexOf(FRAME_END); at !== -1; at = chunk.indexOf(FRAME_END, at + 2)) frames++;
        endedWithLf = chunk[chunk.length - 1] === LF;
        if (options.probe && counter.recording) recordLatencies(chunk);
        if (waiter && frames >= waiter.count) {
          const done = waiter;
          waiter = null;
          done.resolve();
        }
      });

      function recordLatencies(chunk: Buffer): void {
        const receivedAt = performance.timeOrigin + performance.now();
        const text = partial + chunk.toString('latin1');
        const lastEnd = text.lastIndexOf(FRAME_END);
        if (lastEnd === -1) {
          partial = text;
          return;
        }
        partial = text.slice(lastEnd + 2);
        for (let at = text.indexOf(TS_FIELD); at !== -1 && at < lastEnd; at = text.indexOf(TS_FIELD, at + 1)) {
          const start = at + TS_FIELD.length;
          let ts = 0;
          for (let i = start; ; i++) {
            const digit = text.charCodeAt(i) - 48;
            if (digit < 0 || digit > 9) break;
            ts = ts * 10 + digit;
          }
          latencies.push(receivedAt - ts);
        }
      }

      const finish = () => {
        if (closed) return;
        closed = true;
        waiter?.reject(new Error(`stream ended after ${frames} frames, wanted ${waiter.count}`));
        waiter = null;
      };
      res.on('end', finish);
      res.on('close', finish);
      res.on('error', finish);
      resolve(counter);
    });
    req.on('error', reject);
  });
}
