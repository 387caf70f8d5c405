// SDP reading on a real Chromium 156 offer (captured from Debian's package
// with the flags the tests use), and the refusals that keep bad offers out.

import t from 'tap';
import { readFileSync } from 'node:fs';
import { dropNameCandidates, isNameCandidate, parseSdp, parseSdpFragment, pickH264 } from '../../../lib/stream/webrtc/sdp.js';
import { WebRtcError } from '../../../lib/stream/webrtc/webrtc-errors.js';

const offer = readFileSync(new URL('../../../../test/fixtures/chromium-156-offer.sdp', import.meta.url), 'utf8');

function code(fn: () => unknown): string | null {
  try {
    fn();
    return null;
  } catch (e) {
    return e instanceof WebRtcError ? e.code : `not a WebRtcError: ${(e as Error).message}`;
  }
}

t.test('a Chromium offer: video and data channel sections, H.264 payload types', async (t) => {
  const p = parseSdp(offer);
  t.equal(p.video?.mid, '0');
  t.equal(p.application?.mid, '1');
  t.same(p.mids, ['0', '1']);
  t.equal(pickH264(p.video, 'baseline'), 108, 'constrained baseline 42e01f, packetization-mode 1');
  t.equal(pickH264(p.video, 'main'), 116, 'main 4d001f, packetization-mode 1');
});

t.test('offers we cannot serve are refused with a reason', async (t) => {
  t.equal(code(() => parseSdp('')), 'SKYFEED_ERR_WEBRTC_BAD_SDP');
  t.equal(code(() => parseSdp(42)), 'SKYFEED_ERR_WEBRTC_BAD_SDP');
  t.equal(code(() => parseSdp('hello')), 'SKYFEED_ERR_WEBRTC_BAD_SDP');
  t.equal(code(() => parseSdp('v=0\r\n'.padEnd(70000, 'x'))), 'SKYFEED_ERR_WEBRTC_BAD_SDP');
  const noMode1 = offer.replace(/packetization-mode=1/g, 'packetization-mode=0');
  t.throws(() => pickH264(parseSdp(noMode1).video, 'baseline'), /packetization-mode=1/);
  const noH264 = offer.replace(/H264\/90000/g, 'XYZ/90000');
  t.throws(() => pickH264(parseSdp(noH264).video, 'baseline'), /no H264/);
  t.throws(() => pickH264(parseSdp(offer.replace('a=recvonly', 'a=sendonly')).video, 'baseline'), /video is sendonly/);
  t.throws(() => pickH264(parseSdp(offer.replace('a=recvonly', 'a=inactive')).video, 'baseline'), /video is inactive/);
  const audioOnly = offer.replace(/m=video/, 'm=audio');
  t.throws(() => pickH264(parseSdp(audioOnly).video, 'baseline'), /no video/);
  const highOnly = offer.replace(/profile-level-id=(42[0-9a-f]{4}|4d001f)/g, 'profile-level-id=64001f');
  t.throws(() => pickH264(parseSdp(highOnly).video, 'baseline'), /baseline profile/);
});

t.test('candidates naming a host (mDNS or any hostname) are recognised and dropped; IP literals stay', async (t) => {
  const c = 'candidate:1 1 udp 2113937151 1f2e3d4c-aaaa-bbbb-cccc-0123456789ab.local 54321 typ host generation 0';
  t.ok(isNameCandidate(c));
  t.ok(isNameCandidate(`a=${c}`));
  t.ok(isNameCandidate('candidate:1 1 udp 2113937151 h1x2.example.com 53072 typ host'), 'a DNS name is never resolved');
  t.notOk(isNameCandidate('candidate:1 1 udp 2113937151 192.0.2.2 53072 typ host'));
  t.notOk(isNameCandidate('candidate:1 1 udp 2113937151 fd00::2 53072 typ host'));
  const withMdns = offer.replace(/a=candidate:3303721453 1 udp 2113937151 192.0.2.2/, 'a=candidate:3303721453 1 udp 2113937151 abc.local');
  const r = dropNameCandidates(withMdns);
  t.equal(r.dropped, 1);
  t.notMatch(r.sdp, /\.local/);
  t.match(r.sdp, /fd00::2/, 'other candidates stay');
});

t.test('trickle-ice-sdpfrag (WHEP PATCH)', async (t) => {
  const frag = 'a=ice-ufrag:EsAw\r\na=ice-pwd:P2uYro0UCOQ4zxjKXaWCBui1\r\na=group:BUNDLE 0\r\nm=audio 9 RTP/AVP 0\r\na=mid:0\r\n' +
    'a=candidate:1387637174 1 udp 2122260223 192.0.2.1 61764 typ host generation 0 ufrag EsAw network-id 1\r\na=end-of-candidates\r\n';
  const r = parseSdpFragment(frag);
  t.equal(r.ufrag, 'EsAw');
  const candidate = 'candidate:1387637174 1 udp 2122260223 192.0.2.1 61764 typ host generation 0 ufrag EsAw network-id 1';
  t.same(r.candidates, [{ candidate, mid: '0' }]);
  t.equal(code(() => parseSdpFragment('not sdp at all')), 'SKYFEED_ERR_WEBRTC_BAD_SDP');
  t.equal(code(() => parseSdpFragment(null)), 'SKYFEED_ERR_WEBRTC_BAD_SDP');
});
