// A tiny uWebSockets.js app around the WebRTC engine, for tests and the
// bench: the encoder fed by the synthetic camera, the fan-out, signaling on
// WS /ws/webrtc_signaling, WHEP on POST /whep + DELETE/PATCH /whep/<id>, and
// GET / serving the viewer page. The real server's routes (auth, CORS,
// limits) are the lead's; this is only the wiring the engine needs.

import type { HttpResponse, TemplatedApp, us_listen_socket } from 'uWebSockets.js';
import { DemandGate, H264Encoder, type H264EncoderOptions } from '../../lib/encode/h264/index.js';
import { loadUws } from '../../lib/http/uws.js';
import { SignalingSession, WebRtcError, WebRtcFanout, WhepEndpoint, type WebRtcFanoutOptions } from '../../lib/stream/webrtc/index.js';
import { FrameFeeder } from './frame-feeder.js';
import { viewerPage } from './viewer-page.js';

export interface RigOptions {
  width?: number;
  height?: number;
  fps?: number;
  encoder?: Partial<H264EncoderOptions>;
  fanout?: Partial<WebRtcFanoutOptions>;
  /** Encoder idle stop after the last peer (default 2000 ms). */
  idleStopMs?: number;
  /** Keep the encoder running with no peer (bench baselines, join tests). */
  alwaysOn?: boolean;
}

export interface Rig {
  port: number;
  base: string;
  encoder: H264Encoder;
  fanout: WebRtcFanout;
  whep: WhepEndpoint;
  feeder: FrameFeeder;
  gate: DemandGate;
  /** Signaling sessions open right now. */
  sessions: Set<SignalingSession>;
  close(): Promise<void>;
}

const MAX_BODY = 128 * 1024;

interface WsData {
  session: SignalingSession | null;
  /** The socket is open (sending on a closed uWS socket throws). */
  open: boolean;
}

export async function startRig(o: RigOptions = {}): Promise<Rig> {
  const width = o.width ?? 640;
  const height = o.height ?? 480;
  const fps = o.fps ?? 30;
  const uws = loadUws();
  const encoder = new H264Encoder({ width, height, fps, log: () => {}, ...o.encoder });
  const gate = new DemandGate(encoder, o.idleStopMs ?? 2000);
  const fanout = new WebRtcFanout(encoder, { width, height, fps, demand: gate, ...o.fanout });
  const whep = new WhepEndpoint(fanout);
  const feeder = new FrameFeeder(width, height, fps);
  feeder.addSink(encoder);
  const sessions = new Set<SignalingSession>();
  const keepOn = o.alwaysOn ? gate.acquire() : null;

  const app: TemplatedApp = uws.App();
  app.get('/', (res) => {
    res.cork(() => res.writeHeader('Content-Type', 'text/html; charset=utf-8').end(viewerPage(height)));
  });
  app.ws<WsData>('/ws/webrtc_signaling', {
    maxPayloadLength: 256 * 1024,
    idleTimeout: 120,
    upgrade: (res, req, context) => {
      res.upgrade<WsData>({ session: null, open: false }, req.getHeader('sec-websocket-key'),
        req.getHeader('sec-websocket-protocol'), req.getHeader('sec-websocket-extensions'), context);
    },
    open: (ws) => {
      const data = ws.getUserData();
      data.open = true;
      data.session = new SignalingSession(fanout,
        (msg) => { if (data.open) ws.send(JSON.stringify(msg)); },
        (code, reason) => { if (data.open) { data.open = false; ws.end(code, reason); } });
      sessions.add(data.session);
    },
    message: (ws, message, isBinary) => {
      const s = ws.getUserData().session;
      // uWS reuses the message's memory after this call: decode it now.
      s?.onMessage(isBinary ? new Uint8Array(message.slice(0)) : Buffer.from(message).toString('utf8'));
    },
    close: (ws) => {
      const data = ws.getUserData();
      data.open = false;
      if (data.session) {
        sessions.delete(data.session);
        data.session.close();
      }
    },
  });
  app.post('/whep', (res, req) => {
    const type = req.getHeader('content-type');
    let aborted = false;
    res.onAborted(() => { aborted = true; });
    if (!type.startsWith('application/sdp')) {
      return reply(res, () => aborted, '415 Unsupported Media Type', 'Content-Type must be application/sdp');
    }
    readBody(res, () => aborted).then(async (body) => {
      if (body === null) return reply(res, () => aborted, '413 Payload Too Large', 'offer too large');
      try {
        const s = await whep.createSession(body);
        if (aborted) return whep.deleteSession(s.id);
        res.cork(() => res.writeStatus('201 Created').writeHeader('Content-Type', 'application/sdp')
          .writeHeader('Location', `/whep/${s.id}`).writeHeader('ETag', s.etag).end(s.answerSdp));
      } catch (e) {
        const [status, msg] = whepStatus(e);
        reply(res, () => aborted, status, msg);
      }
    }, () => {});
  });
  app.del('/whep/:id', (res, req) => {
    try {
      whep.deleteSession(req.getParameter(0) ?? '');
      res.cork(() => res.writeStatus('200 OK').end());
    } catch (e) {
      const [status, msg] = whepStatus(e);
      res.cork(() => res.writeStatus(status).end(msg));
    }
  });
  app.patch('/whep/:id', (res, req) => {
    const id = req.getParameter(0) ?? '';
    const ifMatch = req.getHeader('if-match') || undefined;
    let aborted = false;
    res.onAborted(() => { aborted = true; });
    readBody(res, () => aborted).then((body) => {
      if (body === null) return reply(res, () => aborted, '413 Payload Too Large', 'fragment too large');
      try {
        whep.patch(id, body, ifMatch);
        if (!aborted) res.cork(() => res.writeStatus('204 No Content').end());
      } catch (e) {
        const [status, msg] = whepStatus(e);
        reply(res, () => aborted, status, msg);
      }
    }, () => {});
  });

  app.any('/*', (res) => { res.cork(() => res.writeStatus('404 Not Found').end()); });

  const listen = await new Promise<us_listen_socket>((resolve, reject) => {
    app.listen('127.0.0.1', 0, (sock) => (sock ? resolve(sock) : reject(new Error('cannot listen'))));
  });
  const port = uws.us_socket_local_port(listen);
  feeder.start();
  let closing: Promise<void> | null = null;
  return {
    port, base: `http://127.0.0.1:${port}`, encoder, fanout, whep, feeder, gate, sessions,
    close() {
      closing ??= (async () => {
        feeder.stop();
        keepOn?.();
        uws.us_listen_socket_close(listen);
        whep.close();
        fanout.close();
        gate.close();
        await encoder.close();
      })();
      return closing;
    },
  };
}

function whepStatus(e: unknown): [string, string] {
  if (e instanceof WebRtcError) {
    switch (e.code) {
      case 'SKYFEED_ERR_WEBRTC_BAD_SDP': return ['400 Bad Request', e.message];
      case 'SKYFEED_ERR_WEBRTC_NO_SESSION': return ['404 Not Found', e.message];
      case 'SKYFEED_ERR_WEBRTC_MAX_PEERS': return ['503 Service Unavailable', e.message];
      case 'SKYFEED_ERR_WEBRTC_UNSUPPORTED': return ['422 Unprocessable Entity', e.message];
      case 'SKYFEED_ERR_WEBRTC_CLOSED': return ['503 Service Unavailable', e.message];
    }
  }
  return ['500 Internal Server Error', (e as Error).message];
}

function reply(res: HttpResponse, aborted: () => boolean, status: string, body: string): void {
  if (!aborted()) res.cork(() => res.writeStatus(status).writeHeader('Content-Type', 'text/plain').end(body));
}

/** The request body as text, or null past MAX_BODY. */
function readBody(res: HttpResponse, aborted: () => boolean): Promise<string | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let total = 0;
    res.onData((chunk, isLast) => {
      if (aborted() || total < 0) return;
      total += chunk.byteLength;
      if (total > MAX_BODY) {
        total = -1;
        resolve(null);
        return;
      }
      chunks.push(Buffer.from(chunk.slice(0)));
      if (isLast) resolve(Buffer.concat(chunks).toString('utf8'));
    });
  });
}
