// A measuring viewer page, loaded into a tab on the server's origin (so
// fetch, WebSockets and canvas reads are same-origin): a <video> fed by
// WebRTC through signaling (browser offers, or server offers on request) or
// through WHEP, or the MJPEG and WebSocket video feeds drawn on a canvas;
// plus what the tests and the bench read back: getStats(), and for every
// displayed picture the capture-time code the synthetic camera drew into it
// (source.frame_code) with its receive and display times (epoch ms). The
// lists are bounded (the page may run for minutes).

import type { Browser, Page } from 'playwright-core';
import { codeRow, READ_FRAME_CODE_JS } from '../../lib/index.js';

/** A tab showing the viewer page on `base`'s origin. */
export async function openViewerPage(browser: Pick<Browser, "newPage">, base: string, height: number): Promise<Page> {
  const page = await browser.newPage();
  // Any same-origin URL will do (a 404); the page is then written into it.
  await page.goto(`${base}/viewer-page-origin`);
  await page.setContent(viewerPage(height));
  return page;
}

/** Entries kept per list in the page. */
const KEEP = 20000;

export function viewerPage(height: number): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>skyfeed webrtc viewer</title></head>
<body style="margin:0;background:#000">
<video id="v" muted autoplay playsinline style="width:640px"></video>
<script>
${READ_FRAME_CODE_JS}
window.readFrameCode = readFrameCode;
window.codeAgeMs = codeAgeMs;
const epoch = (t) => performance.timeOrigin + t;
const viewer = window.viewer = {
  pc: null, ws: null, reconnects: 0, errors: [], displayed: [], telemetry: [], peerId: null, whepLocation: null, sentCandidates: 0,
  startedAt: 0, firstFrameAt: 0, connectedAt: 0, firstReceivedAt: 0, firstFrame: -1, closedReason: null,
  push(list, item) { if (list.length < ${KEEP}) list.push(item); },
  async connect(mode) {
    const pc = this.pc = new RTCPeerConnection();
    const video = document.getElementById('v');
    this.startedAt = epoch(performance.now());
    pc.onconnectionstatechange = () => {
      if (pc.connectionState === 'connected' && !this.connectedAt) this.connectedAt = epoch(performance.now());
      // When the server offers, libdatachannel (the offerer) sometimes fails
      // DTLS if the browser's checks reach it first (a known race, about 1 in
      // 10 on loopback). A real client reconnects; so does this page, once,
      // and counts it (viewer.reconnects) so the tests can report it.
      if (pc.connectionState === 'failed' && mode === 'ws-server-offer' && this.reconnects === 0) {
        this.reconnects++;
        this.pc = null;
        pc.close();
        this.ws?.close();
        this.connect(mode).catch((err) => this.errors.push(String(err)));
      }
    };
    pc.ontrack = (e) => { video.srcObject = e.streams[0] || new MediaStream([e.track]); video.play().catch(() => {}); };
    pc.ondatachannel = (e) => {
      if (e.channel.label !== 'telemetry') return;
      e.channel.onmessage = (m) => this.push(this.telemetry, { t: epoch(performance.now()), data: JSON.parse(m.data) });
    };
    this.watchFrames(video);
    if (mode === 'whep') return this.whep(pc);
    const ws = this.ws = new WebSocket('ws://' + location.host + '/ws/webrtc_signaling');
    ws.onclose = (e) => { this.closedReason = e.code + ' ' + e.reason; };
    await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = () => reject(new Error('ws error')); });
    pc.onicecandidate = (e) => {
      if (e.candidate && ws.readyState === 1) ws.send(JSON.stringify({ type: 'ice-candidate', payload: {
        candidate: e.candidate.candidate, sdpMid: e.candidate.sdpMid, sdpMLineIndex: e.candidate.sdpMLineIndex } }));
    };
    ws.onmessage = async (m) => {
      const msg = JSON.parse(m.data);
      try {
        if (msg.peer_id) this.peerId = msg.peer_id;
        if (msg.type === 'answer') await pc.setRemoteDescription(msg.payload);
        else if (msg.type === 'offer') {
          await pc.setRemoteDescription(msg.payload);
          await pc.setLocalDescription(await pc.createAnswer());
          ws.send(JSON.stringify({ type: 'answer', payload: { sdp: pc.localDescription.sdp, type: 'answer' } }));
        } else if (msg.type === 'ice-candidate') await pc.addIceCandidate(msg.payload);
        else if (msg.type === 'error') this.errors.push(msg.message);
      } catch (err) { this.errors.push(String(err)); }
    };
    if (mode === 'ws-server-offer') {
      ws.send(JSON.stringify({ type: 'request-offer' }));
      return;
    }
    pc.addTransceiver('video', { direction: 'recvonly' });
    pc.createDataChannel('control');
    if (mode === 'ws-candidates-first') {
      // Every candidate before the offer, and an offer without any: only the
      // server's queue can connect this one.
      const cands = [];
      pc.onicecandidate = (e) => { if (e.candidate) cands.push(e.candidate); };
      await pc.setLocalDescription(await pc.createOffer());
      await new Promise((r) => { const check = () => pc.iceGatheringState === 'complete' ? r() : setTimeout(check, 20); check(); });
      for (const c of cands) {
        const payload = { candidate: c.candidate, sdpMid: c.sdpMid, sdpMLineIndex: c.sdpMLineIndex };
        ws.send(JSON.stringify({ type: 'ice-candidate', payload }));
      }
      const sdp = pc.localDescription.sdp.split('\\r\\n').filter((l) => !l.startsWith('a=candidate:')).join('\\r\\n');
      this.sentCandidates = cands.length;
      ws.send(JSON.stringify({ type: 'offer', payload: { sdp, type: 'offer' } }));
      return;
    }
    await pc.setLocalDescription(await pc.createOffer());
    ws.send(JSON.stringify({ type: 'offer', payload: { sdp: pc.localDescription.sdp, type: 'offer' } }));
  },
  async whep(pc) {
    pc.addTransceiver('video', { direction: 'recvonly' });
    await pc.setLocalDescription(await pc.createOffer());
    // Non-trickle WHEP: send the offer with our candidates.
    if (pc.iceGatheringState !== 'complete') {
      await new Promise((r) => { pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && r(); setTimeout(r, 2000); });
    }
    const res = await fetch('/whep', { method: 'POST', headers: { 'Content-Type': 'application/sdp' }, body: pc.localDescription.sdp });
    if (res.status !== 201) throw new Error('WHEP ' + res.status + ' ' + await res.text());
    this.whepLocation = res.headers.get('Location');
    await pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
  },
  // MJPEG (<img>) and WebSocket JPEGs: no per-frame callback, so the
  // picture is read on every animation frame (display time within ~16 ms).
  async connectJpeg(mode) {
    this.startedAt = epoch(performance.now());
    const canvas = document.createElement('canvas');
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    let last = -2;
    const record = (source, w, h, received) => {
      if (canvas.width !== w) { canvas.width = w; canvas.height = h; }
      ctx.drawImage(source, 0, 0);
      const code = readFrameCode(ctx.getImageData(0, ${codeRow(height)}, w, 1).data);
      if (code === last) return;
      last = code;
      const now = epoch(performance.now());
      if (!this.firstFrameAt) this.firstFrameAt = now;
      this.push(this.displayed, { frame: code, presented: now, received });
    };
    if (mode === 'mjpeg') {
      const img = document.createElement('img');
      img.src = '/video_feed';
      document.body.appendChild(img);
      const tick = () => { if (img.naturalWidth) record(img, img.naturalWidth, img.naturalHeight, 0); requestAnimationFrame(tick); };
      requestAnimationFrame(tick);
      this.close = () => { img.src = ''; };
      return;
    }
    const ws = this.ws = new WebSocket('ws://' + location.host + '/ws/video_feed');
    ws.binaryType = 'blob';
    let drawing = false;
    ws.onmessage = async (m) => {
      if (typeof m.data === 'string' || drawing) return; // newest wins while one decodes
      drawing = true;
      const received = epoch(performance.now());
      try {
        const bmp = await createImageBitmap(m.data);
        record(bmp, bmp.width, bmp.height, received);
        bmp.close();
      } catch (err) { this.errors.push(String(err)); }
      drawing = false;
    };
  },
  watchFrames(video) {
    const canvas = document.createElement('canvas');
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    const onFrame = (now, meta) => {
      if (!this.firstFrameAt) {
        this.firstFrameAt = epoch(now);
        this.firstReceivedAt = meta.receiveTime ? epoch(meta.receiveTime) : 0;
      }
      if (canvas.width !== meta.width) { canvas.width = meta.width; canvas.height = meta.height; }
      ctx.drawImage(video, 0, 0);
      const row = ctx.getImageData(0, ${codeRow(height)}, canvas.width, 1).data;
      if (this.firstFrame < 0) this.firstFrame = readFrameCode(row);
      this.push(this.displayed, { frame: readFrameCode(row), presented: epoch(meta.presentationTime),
        received: meta.receiveTime ? epoch(meta.receiveTime) : 0, rtp: meta.rtpTimestamp });
      video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
  },
  async stats() {
    if (!this.pc) return null;
    const report = await this.pc.getStats();
    let out = null;
    report.forEach((s) => {
      if (s.type === 'inbound-rtp' && s.kind === 'video') out = {
        framesDecoded: s.framesDecoded || 0, framesReceived: s.framesReceived || 0, frameWidth: s.frameWidth || 0,
        frameHeight: s.frameHeight || 0, packetsLost: s.packetsLost || 0, framesDropped: s.framesDropped || 0,
        keyFramesDecoded: s.keyFramesDecoded || 0, nackCount: s.nackCount || 0, pliCount: s.pliCount || 0,
        bytesReceived: s.bytesReceived || 0, decoderImplementation: s.decoderImplementation || '',
        jitterBufferDelay: s.jitterBufferDelay || 0, jitterBufferEmittedCount: s.jitterBufferEmittedCount || 0,
      };
    });
    return out;
  },
  close() { this.pc?.close(); this.ws?.close(); },
};
</script></body></html>`;
}
