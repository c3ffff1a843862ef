import net from 'node:net';

/** A TCP relay to a server (a database) that a test can cut, freeze and bring back, on the same port. */
export interface TcpRelay {
  port: number;
  /** Cuts every connection and refuses new ones (ECONNREFUSED) until restored. */
  cut(): Promise<void>;
  /** Keeps every connection open and passes nothing either way: a server that hangs. */
  freeze(): void;
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpRelay(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpRelay> {
  const pairs = new Set<[net.Socket, net.Socket]>();
  let frozen = false;
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, targetHost);
    const pair: [net.Socket, net.Socket] = [client, upstream];
    pairs.add(pair);
    client.pipe(upstream);
    upstream.pipe(client);
    // After pipe(), which sets both flowing.
    if (frozen) for (const s of pair) s.pause();
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const listen = () => new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', () => (server.off('error', reject), resolve())));
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const pair of pairs) for (const socket of pair) socket.destroy();
      pairs.clear();
      if (server.listening) server.close(() => resolve());
      else resolve();
    });
  return {
    port,
    cut: stop,
    freeze() {
      frozen = true;
      for (const pair of pairs) for (const s of pair) s.pause();
    },
    async restore() {
      frozen = false;
      for (const pair of pairs) for (const s of pair) s.resume();
      if (!server.listening) await listen();
    },
    close: stop,
  };
}
