// The HTTP side of a watch: a chunked stream of newline-delimited WatchEvents whose headers
// go out at once, with bookmarks, timeouts and a cap on what a slow client may leave buffered.

import type { ServerResponse } from 'node:http';
import type { EventView, WatchSink } from '../watch/cacher.ts';

/** A watcher that lets this much pile up unread is cut off, as upstream drops slow watchers. */
const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;

export interface WatchStreamOptions {
  kind: string;
  apiVersion: string;
  bookmarks: boolean;
  bookmarkIntervalMs: number;
  timeoutMs: number;
  currentRevision: () => number;
  /** Converts an event's object to the served form (events.k8s.io) or to a Table row; identity when undefined. */
  transform?: (view: EventView) => string;
}

export class WatchStream implements WatchSink {
  private buffered: string[] = [];
  private closed = false;
  private timers: NodeJS.Timeout[] = [];
  onClose?: () => void;

  constructor(private readonly res: ServerResponse, private readonly opts: WatchStreamOptions) {
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-cache, private',
      'Transfer-Encoding': 'chunked',
    });
    res.flushHeaders();
    res.socket?.setNoDelay(true);
    res.on('close', () => this.close());
    this.timers.push(setTimeout(() => this.end(), opts.timeoutMs));
    if (opts.bookmarks) {
      this.timers.push(setInterval(() => this.bookmark(opts.currentRevision()), opts.bookmarkIntervalMs));
    }
  }

  event(view: EventView): void {
    if (this.closed) return;
    this.buffered.push(this.opts.transform ? this.opts.transform(view) : view.line());
  }

  bookmark(revision: number, initialEventsEnd = false): void {
    if (this.closed) return;
    const annotations = initialEventsEnd ? ',"annotations":{"k8s.io/initial-events-end":"true"}' : '';
    this.buffered.push(`{"type":"BOOKMARK","object":{"kind":"${this.opts.kind}","apiVersion":"${this.opts.apiVersion}","metadata":{"resourceVersion":"${revision}","creationTimestamp":null${annotations}}}}\n`);
    this.flush();
  }

  /** Write an error event (e.g. 410 Expired) and end the stream. */
  error(status: object): void {
    if (this.closed) return;
    this.buffered.push(`{"type":"ERROR","object":${JSON.stringify(status)}}\n`);
    this.flush();
    this.end();
  }

  flush(): void {
    if (this.closed || this.buffered.length === 0) return;
    const chunk = this.buffered.length === 1 ? this.buffered[0] : this.buffered.join('');
    this.buffered = [];
    this.res.write(chunk);
    if (this.res.writableLength > MAX_BUFFERED_BYTES) {
      this.res.destroy();
      this.close();
    }
  }

  end(): void {
    if (this.closed) return;
    this.flush();
    this.res.end();
    this.close();
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.onClose?.();
  }
}
