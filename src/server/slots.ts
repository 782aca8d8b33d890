import type { Server, Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { FramefleetError } from '../errors.js';
import { clientKey } from './client-key.js';
import type { TrustedProxy } from './trusted-proxies.js';

/**
 * At most `max` of something at once (uploads, event streams), and at most `perClient` of them
 * from one client (clientAddress: an IPv4 address, an IPv6 /64), so one client cannot take every
 * slot. `take` answers a release that gives both back once, however often it is called (finish,
 * error and client close all may).
 */
export class Slots {
  private used = 0;
  /** Slots held per client (clientAddress); a client leaves the map when it holds none. */
  private readonly byClient = new Map<string, number>();

  constructor(
    /** What is counted, one and several: `['upload', 'uploads']`. */
    readonly what: readonly [one: string, many: string],
    readonly server: Cap,
    readonly perClient: Cap,
  ) {}

  /**
   * A slot, or a 429 TOO_MANY_REQUESTS (with Retry-After) when the client holds its share or all
   * are taken. `close` asks the client to drop the connection, for a request whose body would
   * otherwise still arrive.
   */
  take(request: FastifyRequest, reply: FastifyReply, options: { close?: boolean } = {}): () => void {
    const client = clientAddress(request);
    const mine = this.byClient.get(client) ?? 0;
    // The details name the cap that refused and the count open against it, so a client (or its
    // operator) can tell its own share being full from the whole server being full.
    const refuse = (cap: Cap, open: number, message: string) => {
      reply.header('retry-after', String(RETRY_AFTER_SECONDS));
      if (options.close) reply.header('connection', 'close');
      return new FramefleetError('TOO_MANY_REQUESTS', message, {
        details: { cap: cap.cap, max: cap.max, open, client },
      });
    };
    if (mine >= this.perClient.max) {
      throw refuse(
        this.perClient,
        mine,
        `${this.areOpen(mine)} from ${client}, the most one client may have (${this.perClient.cap} ${this.perClient.max}); retry in a few seconds`,
      );
    }
    if (this.used >= this.server.max) {
      throw refuse(
        this.server,
        this.used,
        `${this.areOpen(this.used)}, the most this server takes at once (${this.server.cap} ${this.server.max}); retry in a few seconds`,
      );
    }
    this.used++;
    this.byClient.set(client, mine + 1);
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      this.used--;
      const left = (this.byClient.get(client) ?? 1) - 1;
      if (left > 0) this.byClient.set(client, left);
      else this.byClient.delete(client);
    };
  }

  /** `1 upload is open` / `2 uploads are open`. */
  private areOpen(n: number): string {
    return n === 1 ? `1 ${this.what[0]} is open` : `${n} ${this.what[1]} are open`;
  }
}

/** A limit on slots: its value and the option that sets it, as messages name it. */
export interface Cap {
  max: number;
  cap: string;
}

/**
 * The client a request is counted as (clientKey: an IPv4 address, an IPv6 /64): the address fastify
 * gives the request. That is the socket's peer, unless the peer is a `--trust-proxy` proxy: then the
 * client its X-Forwarded-For names (a header a client writes itself, so believed from no one else).
 * A request whose socket is already gone shares one bucket rather than escaping the count.
 */
export function clientAddress(request: FastifyRequest): string {
  return clientKey(request.ip as string | undefined);
}

/**
 * Closes, as it comes, a connection from a client (clientKey of its peer) that already holds `max`
 * (before a byte of it is read): one client stalling its headers on every socket cannot shut the
 * others out. A trusted proxy's connections are not counted: they carry every client behind it
 * (whose requests the per-client caps count by X-Forwarded-For); --max-connections still caps them.
 */
export function capConnectionsPerClient(server: Server, max: number, trusted?: TrustedProxy): void {
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    if (trusted && socket.remoteAddress !== undefined && trusted(socket.remoteAddress)) return;
    const client = clientKey(socket.remoteAddress);
    const mine = open.get(client) ?? 0;
    if (mine >= max) {
      socket.destroy();
      return;
    }
    open.set(client, mine + 1);
    socket.once('close', () => {
      const left = (open.get(client) ?? 1) - 1;
      if (left > 0) open.set(client, left);
      else open.delete(client);
    });
  });
}

/** What a refused client is told to wait: slots free as uploads and streams end. */
export const RETRY_AFTER_SECONDS = 5;
