// The harness every Redis test relies on: a real server on a free port, killed and restarted by PID.
import { createConnection } from 'node:net';
import * as assert from 'uvu/assert';
import { redisSuite, startRedis } from '../helpers/redis-server.ts';

const test = redisSuite('redis-server harness');

/** Send one inline command over a raw socket and return the first reply line. */
function command(port: number, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    socket.on('error', reject);
    socket.on('connect', () => socket.write(`${line}\r\n`));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) {
        socket.destroy();
        resolve(reply.split('\r\n')[0]);
      }
    });
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('startRedis answers PING on loopback; kill ends that PID; restart is a fresh server on the same port', async () => {
  const redis = await startRedis();
  try {
    assert.match(redis.url, /^redis:\/\/127\.0\.0\.1:\d+$/);
    assert.is(await command(redis.port, 'PING'), '+PONG');
    await command(redis.port, 'SET marker 1');
    const firstPid = redis.pid;
    await redis.kill();
    assert.not.ok(isAlive(firstPid), 'SIGKILL ended the process');
    const afterKill = await command(redis.port, 'PING').catch((err: NodeJS.ErrnoException) => err.code);
    assert.is(afterKill, 'ECONNREFUSED');

    await redis.restart();
    assert.is.not(redis.pid, firstPid);
    assert.is(await command(redis.port, 'PING'), '+PONG');
    // No persistence: the restarted server starts empty (a null bulk reply).
    assert.is(await command(redis.port, 'GET marker'), '$-1');
  } finally {
    const pid = redis.pid;
    await redis.stop();
    assert.not.ok(isAlive(pid), 'SIGTERM ended the process');
  }
});

test('two servers started together get different ports', async () => {
  const [a, b] = await Promise.all([startRedis(), startRedis()]);
  try {
    assert.is.not(a.port, b.port);
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
});

test.run();
