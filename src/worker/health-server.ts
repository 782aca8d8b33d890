import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface HealthSource {
  /** Alive: the process answers. */
  healthy(): boolean;
  /** Ready: registered, connected to Redis and taking tasks (false while draining). */
  ready(): boolean;
  metrics: Registry;
}

/** Where the health port listens unless told: this machine only, as /metrics answers anyone. */
export const DEFAULT_HEALTH_HOST = '127.0.0.1';

/**
 * Serves /healthz, /readyz and /metrics for probes and Prometheus (no authentication: bind it
 * beyond loopback only where the network is trusted, as a pod's is); resolves with the bound port.
 */
export async function startHealthServer(
  source: HealthSource,
  port: number,
  host = DEFAULT_HEALTH_HOST,
): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const reply = (status: number, body: string, type = 'text/plain; charset=utf-8') => {
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    };
    if (path === '/healthz')
      return reply(source.healthy() ? 200 : 503, source.healthy() ? 'ok\n' : 'unhealthy\n');
    if (path === '/readyz')
      return reply(source.ready() ? 200 : 503, source.ready() ? 'ready\n' : 'not ready\n');
    if (path === '/metrics') {
      source.metrics.metrics().then(
        (text) => reply(200, text, source.metrics.contentType),
        (error: unknown) => reply(500, `${String(error)}\n`),
      );
      return;
    }
    reply(404, 'not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return { server, port: (server.address() as AddressInfo).port };
}
