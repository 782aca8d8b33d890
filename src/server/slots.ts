import type { FastifyReply } from 'fastify';
import { FramefleetError } from '../errors.js';

/**
 * At most `max` of something at once (uploads, event streams). `take` answers a release that
 * gives the slot back once, however often it is called (finish, error and client close all may).
 */
export class Slots {
  private used = 0;

  constructor(
    readonly what: string,
    readonly max: number,
  ) {}

  /**
   * A slot, or a 429 TOO_MANY_REQUESTS (with Retry-After) when all are taken. `close` asks the
   * client to drop the connection, for a request whose body would otherwise still arrive.
   */
  take(reply: FastifyReply, options: { close?: boolean } = {}): () => void {
    if (this.used >= this.max) {
      reply.header('retry-after', String(RETRY_AFTER_SECONDS));
      if (options.close) reply.header('connection', 'close');
      throw new FramefleetError(
        'TOO_MANY_REQUESTS',
        `${this.max} ${this.what} are open, the most this server takes at once; retry in a few seconds`,
      );
    }
    this.used++;
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      this.used--;
    };
  }
}

/** What a refused client is told to wait: slots free as uploads and streams end. */
export const RETRY_AFTER_SECONDS = 5;
