// A simulator's two servers: the system's own API (HTTPS) and the plain-HTTP admin API, listening
// together and closed together, open sockets included (a test's close() must not wait for a
// keep-alive connection, nor for a TLS handshake that never completes).
import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

export interface ListeningPair {
  port: number;
  adminPort: number;
  /** Stops both servers and ends every open connection; the same promise on every call. */
  close(): Promise<void>;
}

/** Resolves with the port once listening; 0 = a free port. */
export function listen(server: HttpServer | HttpsServer, port: number, host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Raw TCP sockets (TLS ones included from before the handshake), so close() can end them. */
export function trackSockets(server: HttpServer | HttpsServer): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  return sockets;
}

/**
 * Listens with the API on `host` (default 127.0.0.1) and the admin API on 127.0.0.1 only.
 * `beforeClose` runs first on close (e.g. to wake held requests so they can answer).
 */
export async function listenPair(
  api: HttpsServer,
  admin: HttpServer,
  o: { port?: number; host?: string; adminPort?: number; beforeClose?: () => void },
): Promise<ListeningPair> {
  const sockets = [trackSockets(api), trackSockets(admin)];
  const port = await listen(api, o.port ?? 0, o.host);
  let adminPort: number;
  try {
    adminPort = await listen(admin, o.adminPort ?? 0);
  } catch (e) {
    api.close();
    throw e;
  }
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      o.beforeClose?.();
      const done = Promise.all([api, admin].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
      for (const set of sockets) for (const s of set) s.destroy();
      await done;
    })());
  return { port, adminPort, close };
}
