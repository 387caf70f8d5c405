// WebRTC in: WS /ws/webrtc_signaling (offer/answer/ice-candidate, as the
// API contract describes it) and WHEP (POST /whep with an SDP offer → 201,
// Location, the answer; PATCH for trickled candidates; DELETE to end), so
// OBS, GStreamer's whepsrc, go2rtc or MediaMTX can pull the stream without
// our JavaScript. Both need the viewer role, like every video route.

import type { HttpRequest, HttpResponse, WebSocket } from 'uWebSockets.js';
import type { RouteGroup } from '../context.js';
import { SkyfeedError } from '../../errors.js';
import { readTextBody } from '../body.js';
import { remoteAddress } from '../request.js';
import { AddressCounter } from '../../util/address-counter.js';
import { reply as replyTo, sendBytes, sendEmpty, sendError, sendFailure, type Reply } from '../respond.js';
import { acceptUpgrade, refusedWhileShuttingDown, wsHandshake } from '../ws-upgrade.js';
import type { SignalingSession } from '../../stream/webrtc/index.js';
import { logger } from '../../util/log.js';

interface SignalingData {
  session: SignalingSession | null;
  /** Remote address, counted in `sockets` until the socket closes. */
  remote: string;
  /** False once the socket closed: the session's late answers are dropped. */
  open: boolean;
  /** Message rate window: start (ms) and messages seen in it. */
  windowAt: number;
  count: number;
}

/** An SDP offer is 5-12 KB; a message or body beyond this is refused. */
const MAX_SDP_BYTES = 64 * 1024;
/** What uWS accepts per WebSocket message (the session refuses more than MAX_SDP_BYTES with an error message). */
const UWS_MAX_PAYLOAD = 128 * 1024;
/** Signaling messages a socket may send a second (an offer and a handful of candidates is normal). */
const MAX_MESSAGES_PER_S = 50;
const decoder = new TextDecoder();

export const webrtcRoutes: RouteGroup = (router, ctx) => {
  const webrtc = ctx.webrtc;
  const off = () => new SkyfeedError('SKYFEED_ERR_WEBRTC_DISABLED', 'WebRTC is off (webrtc.enabled: false)');
  // Bounds on what one address, and everyone together, may hold open: idle
  // signaling sockets cost a descriptor each, and half-open WHEP sessions
  // hold a peer slot until their connect timeout.
  const sockets = new AddressCounter();
  const whepSessions = new AddressCounter();
  const maxSockets = 2 * ctx.config.webrtc.max_peers;
  const perAddress = () => ctx.config.streaming.max_clients_per_address;
  const limited = (counter: AddressCounter, remote: string, total: number, what: string): SkyfeedError | null => {
    if (counter.total >= total) return new SkyfeedError('SKYFEED_ERR_WEBRTC_LIMIT', `Max ${what} reached (${total})`);
    if (counter.count(remote) >= perAddress()) {
      return new SkyfeedError('SKYFEED_ERR_WEBRTC_LIMIT', `Max ${what} from one address reached (${perAddress()})`);
    }
    return null;
  };

  router.ws<SignalingData>('/ws/webrtc_signaling', 'viewer', {
    compression: 0,
    maxPayloadLength: UWS_MAX_PAYLOAD,
    // Replies are small JSON; a socket holding more than this is not reading.
    maxBackpressure: 256 * 1024,
    closeOnBackpressureLimit: 1,
    idleTimeout: 120,
    sendPingsAutomatically: true,
    upgrade: (res, req, context) => {
      if (!webrtc) return sendFailure(replyTo(res), off());
      if (refusedWhileShuttingDown(res, ctx.shuttingDown)) return;
      const remote = remoteAddress(res);
      const over = limited(sockets, remote, maxSockets, 'signaling sockets');
      if (over) return sendFailure(replyTo(res), over);
      sockets.add(remote);
      acceptUpgrade<SignalingData>(res, wsHandshake(req), { session: null, remote, open: true, windowAt: 0, count: 0 }, context);
    },
    open: (ws: WebSocket<SignalingData>) => {
      const data = ws.getUserData();
      data.session = webrtc!.signaling(
        (msg) => { if (data.open) ws.send(JSON.stringify(msg), false); },
        (code, reason) => {
          if (!data.open) return;
          data.open = false;
          ws.end(code, reason);
        },
        data.remote,
      );
    },
    message: (ws, message, isBinary) => {
      const data = ws.getUserData();
      const now = performance.now();
      if (now - data.windowAt >= 1000) {
        data.windowAt = now;
        data.count = 0;
      }
      if (++data.count > MAX_MESSAGES_PER_S) {
        ws.end(1008, `Too many messages: at most ${MAX_MESSAGES_PER_S} per second`);
        return;
      }
      // uWS reuses `message` after this callback; the session parses synchronously.
      data.session?.onMessage(isBinary ? new Uint8Array(message) : decoder.decode(message));
    },
    close: (ws) => {
      const data = ws.getUserData();
      sockets.remove(data.remote);
      data.open = false;
      data.session?.close();
      data.session = null;
    },
  });

  const whepBody = (reply: Reply, res: HttpResponse, req: HttpRequest, media: string) => readTextBody(res, {
    contentType: req.getHeader('content-type'), contentLength: req.getHeader('content-length'), maxBytes: MAX_SDP_BYTES,
  }, media, () => reply.aborted);

  router.post('/whep', 'viewer', (res, req) => {
    const reply = replyTo(res, ctx.cors.headersFor(req.getHeader('origin')));
    res.onAborted(() => { reply.aborted = true; });
    if (!webrtc) return sendFailure(reply, off());
    const remote = remoteAddress(res);
    // The total is webrtc.max_peers, which the fan-out enforces over both kinds of peer.
    const over = limited(whepSessions, remote, Infinity, 'WHEP sessions');
    if (over) return sendFailure(reply, over);
    // Counted from now until the session ends, whichever way (done: once only).
    whepSessions.add(remote);
    let counted = true;
    const uncount = () => {
      if (counted) whepSessions.remove(remote);
      counted = false;
    };
    whepBody(reply, res, req, 'application/sdp')
      .then((offer) => webrtc.whep.createSession(offer, uncount, remote))
      .then((s) => sendBytes(reply, 201, 'application/sdp', s.answerSdp, [
        ['Location', `/whep/${s.id}`], ['ETag', s.etag],
        // A page on another origin must read these to PATCH and DELETE its session.
        ['Access-Control-Expose-Headers', 'Location, ETag'],
      ]))
      .catch((err) => {
        uncount();
        fail(reply, err);
      });
  });

  router.patch('/whep/:id', 'viewer', (res, req) => {
    const reply = replyTo(res, ctx.cors.headersFor(req.getHeader('origin')));
    res.onAborted(() => { reply.aborted = true; });
    if (!webrtc) return sendFailure(reply, off());
    const id = req.getParameter(0) ?? '';
    const ifMatch = req.getHeader('if-match') || undefined;
    whepBody(reply, res, req, 'application/trickle-ice-sdpfrag')
      .then((fragment) => {
        webrtc.whep.patch(id, fragment, ifMatch);
        sendEmpty(reply, 204);
      })
      .catch((err) => fail(reply, err));
  });

  router.del('/whep/:id', 'viewer', (res, req) => {
    const reply = replyTo(res, ctx.cors.headersFor(req.getHeader('origin')));
    if (!webrtc) return sendFailure(reply, off());
    try {
      webrtc.whep.deleteSession(req.getParameter(0) ?? '');
      sendEmpty(reply, 200);
    } catch (err) {
      fail(reply, err);
    }
  });
};

function fail(reply: Reply, err: unknown): void {
  if (err instanceof SkyfeedError) return sendFailure(reply, err);
  logger('http').error({ err }, 'webrtc route error');
  sendError(reply, 'SKYFEED_ERR_INTERNAL', 'Internal server error');
}
