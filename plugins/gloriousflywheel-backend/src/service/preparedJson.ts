import { createHash, Hash } from 'crypto';
import express from 'express';

interface Prepared {
  prefix: string;
  /** compared by identity first: the same string object while its source has not changed */
  large: string;
  bytes: Buffer;
  /** sha1 over `bytes`, copied for each request's tail */
  hash: Hash;
}

/**
 * Sends JSON bodies made of a large part that changes rarely and a small tail: the large part's
 * UTF-8 bytes and its share of the ETag hash are kept per key (the latest text only), so a request
 * encodes and hashes only its tail. Content type, weak ETag and 304s are those res.json gives.
 */
export class PreparedJsonBodies {
  private readonly byKey = new Map<string, Prepared>();

  constructor(private readonly maxKeys: number) {}

  /** Sends `prefix + large + tail`. */
  send(
    req: express.Request,
    res: express.Response,
    key: string,
    prefix: string,
    large: string,
    tail: string,
  ) {
    let prepared = this.byKey.get(key);
    if (prepared?.large !== large || prepared.prefix !== prefix) {
      const bytes = Buffer.from(prefix + large);
      prepared = {
        prefix,
        large,
        bytes,
        hash: createHash('sha1').update(bytes),
      };
      this.byKey.delete(key);
      if (this.byKey.size >= this.maxKeys)
        this.byKey.delete(this.byKey.keys().next().value!);
      this.byKey.set(key, prepared);
    }
    const tailBytes = Buffer.from(tail);
    const body = Buffer.concat([prepared.bytes, tailBytes]);
    // express's default (weak) ETag of the same bytes; any other setting is left to express
    const etag = req.app.get('etag');
    if (etag === true || etag === 'weak') {
      const digest = prepared.hash
        .copy()
        .update(tailBytes)
        .digest('base64')
        .substring(0, 27);
      res.set('ETag', `W/"${body.length.toString(16)}-${digest}"`);
    }
    // a Buffer gets no charset from send: state it as res.json's string body does
    res.set('Content-Type', 'application/json; charset=utf-8').send(body);
  }
}
