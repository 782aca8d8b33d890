// The dashboard's one door to the API: bearer token, JSON errors, and SSE over fetch (EventSource
// cannot send an Authorization header). Every request says X-Requested-With: the server refuses
// state-changing requests without it (or a JSON body), which a page on another site cannot send.
const TOKEN_KEY = 'framefleet.token';

export function token() {
  return window.localStorage.getItem(TOKEN_KEY) ?? '';
}

export function setToken(value) {
  window.localStorage.setItem(TOKEN_KEY, value);
}

function headers(extra = {}) {
  const t = token();
  const base = { ...extra, 'x-requested-with': 'framefleet-dashboard' };
  return t ? { ...base, authorization: `Bearer ${t}` } : base;
}

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function check(response) {
  if (response.status === 401) window.dispatchEvent(new window.CustomEvent('framefleet:unauthorized'));
  if (response.ok) return response;
  const body = await response.json().catch(() => ({}));
  throw new ApiError(response.status, body.error?.code ?? 'HTTP', body.error?.message ?? response.statusText);
}

export async function getJson(path) {
  return (await check(await fetch(path, { headers: headers() }))).json();
}

export async function sendJson(method, path, body) {
  const init = { method, headers: headers(body === undefined ? {} : { 'content-type': 'application/json' }) };
  if (body !== undefined) init.body = JSON.stringify(body);
  return (await check(await fetch(path, init))).json();
}

/** Fetches a file with the token and hands it to the browser as a download. */
export async function download(path, filename) {
  const response = await check(await fetch(path, { headers: headers() }));
  const url = window.URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => window.URL.revokeObjectURL(url), 60_000);
}

/**
 * A URL an <img> or <video> can load a token-guarded file from. Without a token the route itself
 * (the browser streams and seeks with Range requests); with one, media elements cannot send the
 * Authorization header, so the file is fetched whole with it and handed over as a blob: URL.
 */
export async function mediaUrl(path) {
  if (!token()) return path;
  const response = await check(await fetch(path, { headers: headers() }));
  return window.URL.createObjectURL(await response.blob());
}

export async function upload(file) {
  const path = `/v1/uploads?name=${encodeURIComponent(file.name.replace(/[^A-Za-z0-9._-]/g, '_'))}`;
  const init = {
    method: 'POST',
    headers: headers({ 'content-type': 'application/octet-stream' }),
    body: file,
  };
  return (await check(await fetch(path, init))).json();
}

/** Reads an SSE stream, calling onEvent(name, data) per event, until it ends or signal aborts. */
export async function streamEvents(path, onEvent, signal) {
  const response = await check(await fetch(path, { headers: headers(), signal }));
  const reader = response.body.pipeThrough(new window.TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let name = 'message';
      let data = '';
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) name = line.slice(7);
        else if (line.startsWith('data: ')) data += line.slice(6);
      }
      if (data) onEvent(name, JSON.parse(data));
    }
  }
}
