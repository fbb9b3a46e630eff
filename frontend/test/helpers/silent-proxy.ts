// A TCP proxy (node:net) in front of a ticktape server that can, on command, go silent on the
// event streams passing through it: it stops forwarding in both directions but keeps both sockets
// open, as a proxy or a NAT that has lost a connection's state does. The browser then sees an open
// connection on which nothing ever arrives, and the server a client that stopped reading. New
// connections, and connections that carry no stream (the API requests beside it), go on as usual.
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface ProxiedConnection {
  readonly client: net.Socket;
  readonly upstream: net.Socket;
  /** The request lines the browser sent on it, in order. */
  readonly requests: string[];
  /** Forwarding stopped for good by `silenceStreams`. */
  silenced: boolean;
}

export interface SilentProxy {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  readonly connections: readonly ProxiedConnection[];
  /** The request lines of every `/stream` request so far (`GET /stream?… HTTP/1.1`), in order. */
  streamRequests(): string[];
  /** Stops forwarding on every connection that has carried a `/stream` request; returns them. */
  silenceStreams(): ProxiedConnection[];
  close(): Promise<void>;
}

const REQUEST_LINE = /^(GET|HEAD|POST|OPTIONS) \S+ HTTP\/1\.1/gm;

export async function startSilentProxy(upstreamPort: number): Promise<SilentProxy> {
  const connections: ProxiedConnection[] = [];
  /** Every request line, in the order they arrived, on whichever connection. */
  const requestLines: string[] = [];
  const server = net.createServer((client) => {
    const upstream = net.connect(upstreamPort, '127.0.0.1');
    const conn: ProxiedConnection = { client, upstream, requests: [], silenced: false };
    connections.push(conn);
    client.on('data', (chunk: Buffer) => {
      if (conn.silenced) return;
      // Request lines start a chunk in practice; a header value that looks like one would only add a line.
      const lines = chunk.toString('latin1').match(REQUEST_LINE) ?? [];
      conn.requests.push(...lines);
      requestLines.push(...lines);
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!conn.silenced) client.write(chunk);
    });
    // Ends and errors travel on as usual until the connection is silenced; after that nothing does.
    client.on('end', () => conn.silenced || upstream.end());
    upstream.on('end', () => conn.silenced || client.end());
    client.on('error', () => conn.silenced || upstream.destroy());
    upstream.on('error', () => conn.silenced || client.destroy());
    client.on('close', () => conn.silenced || upstream.destroy());
    upstream.on('close', () => conn.silenced || client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    connections,
    streamRequests: () => requestLines.filter(isStreamRequest),
    silenceStreams() {
      const streams = connections.filter((c) => !c.silenced && !c.client.destroyed && c.requests.some(isStreamRequest));
      for (const conn of streams) {
        conn.silenced = true;
        // Stop reading too: what either side sends stays in the kernel's buffers, as on a stuck path.
        conn.client.pause();
        conn.upstream.pause();
      }
      return streams;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const conn of connections) {
          conn.client.destroy();
          conn.upstream.destroy();
        }
        server.close(() => resolve());
      }),
  };
}

function isStreamRequest(line: string): boolean {
  return / \/stream[? ]/.test(line);
}
