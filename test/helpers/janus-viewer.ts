// A viewer of a Janus streaming mountpoint, written for these tests on
// Janus's plain HTTP REST API (no janus.js): create a session, attach
// janus.plugin.streaming, `watch` the mountpoint, answer Janus's offer
// (ICE gathered in full before the answer is sent: the network is one veth,
// gathering is instant), `start`, and long-poll the session's events
// (trickled candidates, webrtcup, hangup). The page sits on Janus's origin
// so its requests are same-origin. What the tests read back: the browser's
// own getStats() framesDecoded, and when the first frame was decoded.

import type { BrowserContext, Page } from 'playwright-core';

export interface JanusViewerStats {
  /** inbound-rtp video framesDecoded (0 before the track exists). */
  framesDecoded: number;
  /** inbound-rtp framesReceived (complete frames out of the jitter buffer) and framesDropped (received, not decoded or shown). */
  framesReceived: number;
  framesDropped: number;
  frameWidth: number;
  frameHeight: number;
  packetsLost: number;
  /** ms from watch() to the first decoded frame; -1 before it. */
  firstFrameMs: number;
  /** RTCPeerConnection.connectionState. */
  connection: string;
}

/** Events and errors kept in the page: a test runs for seconds, a handful of each is all it sees. */
const KEEP = 200;

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>janus viewer</title></head>
<body style="margin:0;background:#000"><video id="v" muted autoplay playsinline style="width:640px"></video>
<script>
const viewer = window.viewer = {
  pc: null, session: 0, handle: 0, errors: [], events: [], startedAt: 0, firstFrameAt: 0, frames: 0, closed: false,
  tx() { return Math.random().toString(36).slice(2); },
  note(list, item) { if (list.length < ${KEEP}) list.push(item); },
  async post(path, body) {
    const res = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ transaction: this.tx(), ...body }) });
    const reply = await res.json();
    if (reply.janus === 'error') throw new Error('janus ' + body.janus + ': ' + JSON.stringify(reply.error));
    return reply;
  },
  async watch(base, id) {
    this.base = base;
    this.startedAt = performance.now();
    this.session = (await this.post(base, { janus: 'create' })).data.id;
    this.handle = (await this.post(base + '/' + this.session, { janus: 'attach', plugin: 'janus.plugin.streaming' })).data.id;
    const pc = this.pc = new RTCPeerConnection();
    const video = document.getElementById('v');
    pc.ontrack = (e) => { video.srcObject = e.streams[0] || new MediaStream([e.track]); video.play().catch(() => {}); };
    this.poll();
    this.timer = setInterval(() => this.sample(), 20);
    await this.post(base + '/' + this.session + '/' + this.handle, { janus: 'message', body: { request: 'watch', id } });
  },
  // Samples only until the first frame: getStats() 50 times a second costs CPU the measured stream needs (2 shared cores).
  async sample() { if ((await this.stats()).framesDecoded > 0) clearInterval(this.timer); },
  async poll() {
    while (!this.closed) {
      let ev;
      try {
        ev = await (await fetch(this.base + '/' + this.session + '?rid=' + Date.now())).json();
      } catch (err) {
        this.note(this.errors, 'long poll: ' + err);
        return;
      }
      this.note(this.events, ev.janus + (ev.plugindata ? ' ' + JSON.stringify(ev.plugindata.data) : ''));
      try {
        await this.onEvent(ev);
      } catch (err) {
        this.note(this.errors, String(err));
      }
    }
  },
  async onEvent(ev) {
    if (ev.janus === 'trickle' && ev.candidate) {
      if (!ev.candidate.completed) await this.pc.addIceCandidate(ev.candidate);
      return;
    }
    if (ev.janus === 'event' && ev.plugindata && ev.plugindata.data.error) this.note(this.errors, JSON.stringify(ev.plugindata.data));
    if (ev.janus !== 'event' || !ev.jsep || ev.jsep.type !== 'offer') return;
    const pc = this.pc;
    await pc.setRemoteDescription(ev.jsep);
    await pc.setLocalDescription(await pc.createAnswer());
    if (pc.iceGatheringState !== 'complete') {
      await new Promise((r) => pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && r()));
    }
    await this.post(this.base + '/' + this.session + '/' + this.handle,
      { janus: 'message', body: { request: 'start' }, jsep: { type: 'answer', sdp: pc.localDescription.sdp } });
  },
  async stats() {
    const out = { framesDecoded: 0, framesReceived: 0, framesDropped: 0, frameWidth: 0, frameHeight: 0, packetsLost: 0,
      connection: this.pc ? this.pc.connectionState : 'none',
      firstFrameMs: this.firstFrameAt ? this.firstFrameAt - this.startedAt : -1 };
    if (!this.pc) return out;
    (await this.pc.getStats()).forEach((r) => {
      if (r.type !== 'inbound-rtp' || r.kind !== 'video') return;
      out.framesDecoded = r.framesDecoded || 0;
      out.framesReceived = r.framesReceived || 0;
      out.framesDropped = r.framesDropped || 0;
      out.frameWidth = r.frameWidth || 0;
      out.frameHeight = r.frameHeight || 0;
      out.packetsLost = r.packetsLost || 0;
    });
    // Whichever reader sees the first decoded frame first (this or the 20 ms sampler) stamps it.
    if (out.framesDecoded > 0 && !this.firstFrameAt) this.firstFrameAt = performance.now();
    out.firstFrameMs = this.firstFrameAt ? this.firstFrameAt - this.startedAt : -1;
    return out;
  },
  async close() {
    this.closed = true;
    clearInterval(this.timer);
    if (this.pc) this.pc.close();
    if (this.session) await this.post(this.base + '/' + this.session, { janus: 'destroy' }).catch(() => {});
  },
};
</script></body></html>`;

/** A tab on Janus's origin (`base` is the API root, .../janus) that has started watching mountpoint `id`. */
export async function watchMountpoint(ctx: BrowserContext, base: string, id: number): Promise<Page> {
  const page = await ctx.newPage();
  await page.goto(`${base}/info`);
  await page.setContent(PAGE);
  type Viewer = { watch(b: string, i: number): Promise<void> };
  await page.evaluate(([b, i]) => (globalThis as unknown as { viewer: Viewer }).viewer.watch(b, i), [base, id] as const);
  return page;
}

export const janusViewerStats = (p: Page) => p.evaluate('viewer.stats()') as Promise<JanusViewerStats>;

/** What went wrong in the page (Janus errors, failed requests) and the Janus events it saw, for failure messages. */
export const janusViewerLog = (p: Page) =>
  p.evaluate('({ errors: viewer.errors, events: viewer.events })') as Promise<{ errors: string[]; events: string[] }>;

/** Leaves the mountpoint (hangs up, destroys the session) and closes the tab. */
export async function closeViewer(p: Page): Promise<void> {
  await p.evaluate('viewer.close()').catch(() => undefined);
  await p.close();
}

/**
 * Counts the frames the page decodes in a window of `ms` that starts at its
 * first decoded frame (waiting up to `firstTimeoutMs` for it), so the count
 * measures the stream's rate and not ICE/DTLS set-up. `edges` run at the
 * window's start and end (e.g. to read the sender's counters over the same window).
 */
export async function framesInWindow(
  p: Page, ms: number, firstTimeoutMs = 10000, edges: { start?: () => unknown; end?: () => unknown } = {},
): Promise<{ frames: number; first: JanusViewerStats; last: JanusViewerStats }> {
  const until = performance.now() + firstTimeoutMs;
  let first = await janusViewerStats(p);
  while (first.framesDecoded === 0) {
    if (performance.now() > until) {
      const log = await janusViewerLog(p);
      throw new Error(`no frame decoded within ${firstTimeoutMs} ms (connection ${first.connection}; ` +
        `errors ${JSON.stringify(log.errors)}; events ${JSON.stringify(log.events)})`);
    }
    await new Promise((r) => setTimeout(r, 20));
    first = await janusViewerStats(p);
  }
  await edges.start?.();
  await new Promise((r) => setTimeout(r, ms));
  const last = await janusViewerStats(p);
  await edges.end?.();
  return { frames: last.framesDecoded - first.framesDecoded, first, last };
}
