// The little SDP we need to read ourselves: which m-line is the video, which
// payload type the receiver gave H.264 with packetization-mode 1 in a profile
// it can decode, whether it offered a data channel, and the candidates to
// drop (mDNS `.local` names we refuse to resolve). libdatachannel parses the
// rest; this runs first so that bad input gets a precise message.

import { isIP } from 'node:net';
import { WebRtcError } from './webrtc-errors.js';

export type H264ProfileName = 'baseline' | 'main';

export interface SdpCodec {
  pt: number;
  /** Upper-case encoding name, e.g. H264. */
  name: string;
  clock: number;
  /** fmtp parameters, keys lower-case. */
  params: Map<string, string>;
}

export interface SdpMedia {
  kind: string;
  mid: string;
  index: number;
  /** a=sendrecv / sendonly / recvonly / inactive (sendrecv when absent). */
  direction: string;
  codecs: SdpCodec[];
}

export interface ParsedOffer {
  video: SdpMedia | null;
  /** The data channel section, when the offer has one. */
  application: SdpMedia | null;
  /** m-line index by mid (for sdpMLineIndex). */
  mids: string[];
}

/** Chromium's offers are 5-12 KB; anything above this is not an offer we serve. */
export const MAX_SDP_BYTES = 64 * 1024;

export function parseSdp(sdp: unknown): ParsedOffer {
  if (typeof sdp !== 'string' || sdp.length === 0) throw badSdp('the SDP must be a non-empty string');
  if (sdp.length > MAX_SDP_BYTES) throw badSdp(`the SDP is larger than ${MAX_SDP_BYTES} bytes`);
  if (!sdp.startsWith('v=0')) throw badSdp('the SDP must start with v=0');
  const lines = sdp.split(/\r?\n/);
  const media: SdpMedia[] = [];
  let cur: SdpMedia | null = null;
  for (const line of lines) {
    if (line.startsWith('m=')) {
      const kind = line.slice(2).split(' ')[0];
      cur = { kind, mid: String(media.length), index: media.length, direction: 'sendrecv', codecs: [] };
      media.push(cur);
      const fmts = line.split(' ').slice(3);
      for (const f of fmts) if (/^\d+$/.test(f)) cur.codecs.push({ pt: Number(f), name: '', clock: 0, params: new Map() });
      continue;
    }
    if (!cur) continue;
    if (line.startsWith('a=mid:')) cur.mid = line.slice(6).trim();
    else if (/^a=(sendrecv|sendonly|recvonly|inactive)\s*$/.test(line)) cur.direction = line.slice(2).trim();
    else if (line.startsWith('a=rtpmap:')) {
      const m = /^a=rtpmap:(\d+) ([^/\s]+)\/(\d+)/.exec(line);
      const c = m && cur.codecs.find((x) => x.pt === Number(m[1]));
      if (c && m) { c.name = m[2].toUpperCase(); c.clock = Number(m[3]); }
    } else if (line.startsWith('a=fmtp:')) {
      const m = /^a=fmtp:(\d+) (.*)$/.exec(line);
      const c = m && cur.codecs.find((x) => x.pt === Number(m[1]));
      if (c && m) {
        for (const kv of m[2].split(';')) {
          const eq = kv.indexOf('=');
          if (eq > 0) c.params.set(kv.slice(0, eq).trim().toLowerCase(), kv.slice(eq + 1).trim());
        }
      }
    }
  }
  if (media.length === 0) throw badSdp('the SDP has no m= line');
  return {
    video: media.find((m) => m.kind === 'video') ?? null,
    application: media.find((m) => m.kind === 'application') ?? null,
    mids: media.map((m) => m.mid),
  };
}

/**
 * The payload type to send H.264 with: packetization-mode 1 (FU-A, needed
 * for pictures larger than one packet) and a profile that decodes ours:
 * any baseline-family profile_idc 0x42 for baseline, 0x4d for main (a
 * receiver offering only High may not decode them: Debian's Chromium does not
 * decode High, and High decoders always offer baseline too).
 */
export function pickH264(video: SdpMedia | null, profile: H264ProfileName): number {
  if (!video) throw badSdp('the offer has no video m-line');
  // The viewer must want to receive: we only send.
  if (video.direction !== 'recvonly' && video.direction !== 'sendrecv') {
    throw badSdp(`the offer's video is ${video.direction}: offer recvonly (or sendrecv) video to receive the stream`);
  }
  const wanted = profile === 'main' ? '4d' : '42';
  const h264 = video.codecs.filter((c) => c.name === 'H264' && c.clock === 90000);
  if (h264.length === 0) throw badSdp('the offer has no H264/90000 payload type');
  const mode1 = h264.filter((c) => c.params.get('packetization-mode') === '1');
  if (mode1.length === 0) throw badSdp('the offer has no H.264 payload type with packetization-mode=1');
  const plid = (c: SdpCodec) => (c.params.get('profile-level-id') ?? '42e01f').toLowerCase();
  const fits = mode1.filter((c) => plid(c).startsWith(wanted));
  if (fits.length === 0) throw badSdp(`the offer has no H.264 ${profile} profile (profile-level-id ${wanted}xxxx)`);
  // Prefer exactly what x264's baseline is: constrained baseline (constraint_set1).
  const constrained = fits.find((c) => (parseInt(plid(c).slice(2, 4), 16) & 0x40) !== 0);
  return (profile === 'baseline' && constrained ? constrained : fits[0]).pt;
}

/**
 * An ICE candidate whose address is a name, not an IP literal (an mDNS
 * `xxxx.local`, or any hostname): dropped, never resolved. Resolving costs
 * libdatachannel a thread per name, which a client could ask for by the
 * thousand; browsers on a LAN offer IP candidates too.
 */
export function isNameCandidate(candidate: string): boolean {
  // candidate:<foundation> <component> <transport> <priority> <address> <port> typ ...
  const address = candidate.replace(/^a=/, '').split(' ')[4] ?? '';
  return isIP(address) === 0;
}

/** The SDP without name candidates, and how many were dropped. */
export function dropNameCandidates(sdp: string): { sdp: string; dropped: number } {
  let dropped = 0;
  const kept = sdp.split(/\r?\n/).filter((l) => {
    if (l.startsWith('a=candidate:') && isNameCandidate(l)) {
      dropped++;
      return false;
    }
    return true;
  });
  return { sdp: dropped ? kept.join('\r\n') : sdp, dropped };
}

export interface FragmentCandidate {
  candidate: string;
  mid: string;
}

/**
 * Candidates of a trickle-ice-sdpfrag (RFC 8840, as WHEP PATCH sends them):
 * `a=candidate` lines, each under the `a=mid` that precedes it. ICE
 * credentials are returned so the caller can refuse an ICE restart.
 */
export function parseSdpFragment(frag: unknown): { ufrag: string | null; candidates: FragmentCandidate[] } {
  if (typeof frag !== 'string') throw badSdp('the SDP fragment must be a string');
  if (frag.length > MAX_SDP_BYTES) throw badSdp(`the SDP fragment is larger than ${MAX_SDP_BYTES} bytes`);
  let mid = '0';
  let ufrag: string | null = null;
  const candidates: FragmentCandidate[] = [];
  for (const raw of frag.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') continue;
    if (line.startsWith('a=mid:')) mid = line.slice(6);
    else if (line.startsWith('a=ice-ufrag:')) ufrag = line.slice(12);
    else if (line.startsWith('a=candidate:')) candidates.push({ candidate: line.slice(2), mid });
    else if (!/^[a-z]=/.test(line)) throw badSdp(`not an SDP line: ${line.slice(0, 40)}`);
  }
  return { ufrag, candidates };
}

/** a=ice-ufrag of an SDP's first media section (or session level). */
export function iceUfrag(sdp: string): string | null {
  const m = /^a=ice-ufrag:(\S+)/m.exec(sdp);
  return m ? m[1] : null;
}

function badSdp(message: string): WebRtcError {
  return new WebRtcError('SKYFEED_ERR_WEBRTC_BAD_SDP', message);
}
