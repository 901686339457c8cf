// kubectl exec / attach over WebSocket (channel.k8s.io subprotocols), translated to the SPDY
// remotecommand protocol toward the agent, as upstream's StreamTranslatorHandler does since
// 1.30. Each WebSocket message is one channel byte and its payload (base64 variants: an ASCII
// digit and base64 text); SPDY carries each channel as a stream named by its streamtype.

import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { SpdyConnection, type SpdyStream } from './spdy.ts';

/** Channels of the remotecommand protocols (apimachinery/pkg/util/remotecommand). */
export const Channel = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4, close: 255 } as const;

export const StreamType = { error: 'error', stdin: 'stdin', stdout: 'stdout', stderr: 'stderr', resize: 'resize' } as const;

/**
 * WebSocket subprotocols we serve: v5 (stdin close signal), v4 (status as JSON on the error
 * channel) and the original channel.k8s.io (error text only on failure), each binary or base64.
 */
export const WS_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io', 'v4.base64.channel.k8s.io', 'channel.k8s.io', 'base64.channel.k8s.io'] as const;
export type WsProtocol = (typeof WS_PROTOCOLS)[number];

/** The SPDY protocol spoken toward the agent (the runtime's streaming server knows up to v4). */
export const SPDY_REMOTECOMMAND_PROTOCOL = 'v4.channel.k8s.io';

/** The first of the client's subprotocols that we serve, as upstream's wsstream picks; channel.k8s.io when none is offered. */
export function negotiateWsProtocol(offered: string | undefined): WsProtocol | undefined {
  const list = (offered ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (list.length === 0) return 'channel.k8s.io';
  return list.find((p): p is WsProtocol => (WS_PROTOCOLS as readonly string[]).includes(p));
}

export interface StreamOptions { stdin: boolean; stdout: boolean; stderr: boolean; tty: boolean }

export interface RemoteCommandStreams {
  conn: SpdyConnection;
  error: SpdyStream;
  stdin?: SpdyStream;
  stdout?: SpdyStream;
  stderr?: SpdyStream;
  resize?: SpdyStream;
}

/** Opens the remotecommand streams over an upgraded SPDY connection, as client-go does, and waits for their replies. */
export async function openRemoteCommand(socket: Duplex, head: Buffer, o: StreamOptions, timeoutMs = 30_000): Promise<RemoteCommandStreams> {
  if (head.length) socket.unshift(head);
  const conn = new SpdyConnection(socket, { server: false });
  const open = (type: string) => conn.createStream({ streamtype: type });
  // The error stream first: the server reports setup failures on it.
  const s: RemoteCommandStreams = { conn, error: open(StreamType.error) };
  if (o.stdin) s.stdin = open(StreamType.stdin);
  if (o.stdout) s.stdout = open(StreamType.stdout);
  if (o.stderr) s.stderr = open(StreamType.stderr);
  if (o.tty) s.resize = open(StreamType.resize);
  const all = [s.error, s.stdin, s.stdout, s.stderr, s.resize].filter((x): x is SpdyStream => x !== undefined);
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      Promise.all(all.map((x) => SpdyConnection.waitReply(x))),
      new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('timed out waiting for the runtime to accept the streams')), timeoutMs); }),
    ]);
  } catch (e) {
    conn.destroy();
    throw e;
  } finally {
    clearTimeout(timer);
  }
  return s;
}

const SUCCESS = JSON.stringify({ metadata: {}, status: 'Success' });

/** Bytes queued on a WebSocket above which its source is paused. */
const HIGH_WATER = 4 * 1024 * 1024;

/**
 * Back-pressure toward a WebSocket: returns a check to call after each send, which pauses the
 * source while the socket has more than HIGH_WATER queued and resumes it once drained.
 */
export function throttleTo(ws: WebSocket, source: { pause(): unknown; resume(): unknown }): () => void {
  let paused = false;
  const poll = (): void => {
    // A socket that closes leaves its source paused: the source is destroyed with it.
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > HIGH_WATER) { setTimeout(poll, 10); return; }
    paused = false;
    source.resume();
  };
  return () => {
    if (paused || ws.readyState !== ws.OPEN || ws.bufferedAmount <= HIGH_WATER) return;
    paused = true;
    source.pause();
    setTimeout(poll, 10);
  };
}

/** Back-pressure from a writable fed by WebSocket messages: pauses the socket until it drains. */
export function writeFromWebSocket(ws: WebSocket, target: NodeJS.WritableStream, data: Buffer): void {
  if (!target.write(data)) {
    ws.pause();
    target.once('drain', () => ws.resume());
  }
}

/** The status to report on the error channel, from what the runtime wrote on its error stream. */
export function statusFromErrorStream(data: Buffer): string {
  const text = data.toString('utf8').trim();
  if (!text) return SUCCESS;
  try {
    const parsed = JSON.parse(text) as { status?: unknown };
    if (parsed && typeof parsed === 'object' && typeof parsed.status === 'string') return text;
  } catch {
    // Protocols before v4 wrote a plain message.
  }
  return JSON.stringify({ metadata: {}, status: 'Failure', message: text, reason: 'InternalError', code: 500 });
}

/**
 * Bridges a kubectl WebSocket to the remotecommand streams until the command ends: stdout and
 * stderr out on channels 1 and 2, the final status on channel 3, then a normal close; stdin
 * (channel 0), resize (4) and, for v5, the stdin close signal (255, 0) in.
 */
export function bridgeWebSocket(ws: WebSocket, protocol: WsProtocol, s: RemoteCommandStreams): void {
  const base64 = protocol.includes('base64');
  const throttle = throttleTo(ws, s.conn);
  const send = (channel: number, payload: Buffer) => {
    if (ws.readyState !== ws.OPEN) return;
    if (base64) ws.send(`${channel}${payload.toString('base64')}`);
    else ws.send(Buffer.concat([Buffer.from([channel]), payload]));
    throttle();
  };
  const pending = new Set<SpdyStream>();
  const output = (stream: SpdyStream | undefined, channel: number) => {
    if (!stream) return;
    pending.add(stream);
    stream.on('data', (d: Buffer) => send(channel, d));
    stream.on('end', () => { pending.delete(stream); maybeFinish(); });
  };
  const errorData: Buffer[] = [];
  let errorEnded = false;
  let finished = false;
  const versioned = protocol.startsWith('v4.') || protocol.startsWith('v5.');
  const finish = () => {
    if (finished) return;
    finished = true;
    const status = statusFromErrorStream(Buffer.concat(errorData));
    if (versioned) send(Channel.error, Buffer.from(status));
    else {
      // The first protocol version reports only failures, as their message text.
      const s = JSON.parse(status) as { status?: string; message?: string };
      if (s.status !== 'Success') send(Channel.error, Buffer.from(s.message ?? 'error'));
    }
    if (ws.readyState === ws.OPEN) ws.close(1000);
    s.conn.close();
  };
  const maybeFinish = () => { if (errorEnded && pending.size === 0) finish(); };
  // Protocols v4+ let clients see the start of output before any data: an empty stdout frame.
  if (s.stdout) send(Channel.stdout, Buffer.alloc(0));
  output(s.stdout, Channel.stdout);
  output(s.stderr, Channel.stderr);
  s.error.on('data', (d: Buffer) => errorData.push(d));
  s.error.on('end', () => { errorEnded = true; maybeFinish(); });
  // A connection that ends without the runtime finishing its streams still ends the session.
  s.conn.on('close', () => setImmediate(() => { errorEnded = true; pending.clear(); finish(); }));

  ws.on('message', (raw: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
    let msg = Array.isArray(raw) ? Buffer.concat(raw) : Buffer.isBuffer(raw) ? raw : Buffer.from(raw);
    let channel: number;
    if (base64 && !isBinary) {
      channel = msg[0]! - 0x30;
      msg = Buffer.from(msg.subarray(1).toString('latin1'), 'base64');
    } else {
      if (msg.length === 0) return;
      channel = msg[0]!;
      msg = msg.subarray(1);
    }
    switch (channel) {
      case Channel.stdin:
        if (msg.length && s.stdin && !s.stdin.writableEnded) writeFromWebSocket(ws, s.stdin, msg);
        return;
      case Channel.resize:
        if (s.resize && !s.resize.writableEnded) s.resize.write(msg);
        return;
      case Channel.close:
        if (protocol === 'v5.channel.k8s.io' && msg[0] === Channel.stdin && s.stdin && !s.stdin.writableEnded) s.stdin.end();
        return;
      default:
        return;
    }
  });
  ws.on('close', () => { if (!finished) { finished = true; s.conn.destroy(); } });
  ws.on('error', () => { finished = true; s.conn.destroy(); });
}
