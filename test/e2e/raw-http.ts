import { connect } from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The body parsed as the catalogue's error shape, when it is one. */
  error: { code: string; message: string } | undefined;
}

export interface RawRequest {
  method?: string;
  /** Sent byte for byte: no normalisation of dot segments, slashes or percent-encoding. */
  target: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Replaces the whole head (request line and headers) with these bytes. */
  head?: string;
}

/**
 * One HTTP/1.1 request over a fresh socket, exactly as written (fetch and http.request would
 * normalise the path or the headers), read until the server closes the connection.
 */
export function rawRequest(baseUrl: string, request: RawRequest): Promise<RawResponse> {
  const url = new URL(baseUrl);
  const body = request.body === undefined ? undefined : Buffer.from(request.body);
  const headers: Record<string, string> = {
    host: url.host,
    connection: 'close',
    ...(body ? { 'content-length': String(body.length) } : {}),
    ...request.headers,
  };
  const head =
    request.head ??
    `${request.method ?? 'GET'} ${request.target} HTTP/1.1\r\n` +
      Object.entries(headers)
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join('') +
      '\r\n';
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    const chunks: Buffer[] = [];
    socket.setTimeout(10_000, () => socket.destroy(new Error(`no answer to ${request.target}`)));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // The server may close after answering while we still write a body it refused.
      if (error.code === 'EPIPE' || error.code === 'ECONNRESET') socket.destroy();
      else reject(error);
    });
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      const lines = text.slice(0, split < 0 ? text.length : split).split('\r\n');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '')?.[1] ?? 0);
      const parsed = Object.fromEntries(
        lines
          .slice(1)
          .map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
      );
      let responseBody = split < 0 ? '' : text.slice(split + 4);
      if (parsed['transfer-encoding'] === 'chunked') responseBody = unchunk(responseBody);
      let error: RawResponse['error'];
      try {
        error = (JSON.parse(responseBody) as { error?: RawResponse['error'] }).error;
      } catch {
        error = undefined;
      }
      resolve({ status, headers: parsed, body: responseBody, error });
    });
    // No half-close: Node's server drops a request whose client ended its side before the answer.
    socket.write(head);
    if (body) socket.write(body);
  });
}

function unchunk(text: string): string {
  let out = '';
  let rest = text;
  for (;;) {
    const line = rest.indexOf('\r\n');
    const size = parseInt(rest.slice(0, line), 16);
    if (!(size > 0)) return out;
    out += rest.slice(line + 2, line + 2 + size);
    rest = rest.slice(line + 4 + size);
  }
}
