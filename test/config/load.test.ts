import t from 'tap';
import { loadConfig, ConfigError } from '../../lib/config/load.js';
import { writeConfig, runExpectingFailure } from '../helpers/child-server.js';

t.test('defaults hold the contract keys', async (t) => {
  const c = loadConfig();
  t.equal(c.http.host, '0.0.0.0');
  t.equal(c.http.port, 8000);
  t.match(c.streaming, { fps: 30, quality: 85, width: 640, height: 480, enable_cache: true, cache_ttl_ms: 100, skip_identical_frames: true });
  t.ok(c.streaming.max_http_clients >= 1000 && c.streaming.max_ws_clients >= 1000, 'limits let 1000 stream clients of each kind in');
});

t.test('a user file overrides key by key', async (t) => {
  const file = writeConfig({ streaming: { fps: 15 } });
  const c = loadConfig(file);
  t.equal(c.streaming.fps, 15);
  t.equal(c.streaming.quality, 85, 'untouched keys keep their defaults');
});

t.test('invalid values are refused, naming key, value and rule', async (t) => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ streaming: { fps: 'fast' } }, /streaming\.fps: value "fast" must be integer/],
    [{ streaming: { quality: 150 } }, /streaming\.quality: value 150 must be <= 100/],
    [{ http: { port: 70000 } }, /http\.port: value 70000 must be <= 65535/],
    [{ streaming: { colour: 'red' } }, /streaming\.colour: unknown key/],
    [{ http: { cors: { origins: ['*'], allow_credentials: true } } }, /http\.cors\.origins: value "\*" is not allowed while http\.cors\.allow_credentials is true/],
    [{ streaming: { min_quality: 90, max_quality: 50 } }, /streaming\.min_quality/],
    [{ source: { type: 'ffmpeg' } }, /source\.input: is required when source\.type is ffmpeg/],
    [{ source: { type: 'v4l2' } }, /source\.device: is required when source\.type is v4l2/],
    [{ source: { type: 'v4l2', device: '/dev/video0', pixel_format: 'rgb24' } }, /source\.pixel_format: value "rgb24" is for ffmpeg/],
    [{ pipeline: { workers: 2, encoded_slots: 32 } }, /pipeline\.encoded_slots: value 32 is below the 42 this configuration needs \(14 quality tiers × \(2 encode workers \+ 1\)\)/],
  ];
  for (const [over, re] of cases) {
    const file = writeConfig(over);
    t.throws(() => loadConfig(file), ConfigError);
    try {
      loadConfig(file);
    } catch (err) {
      t.match((err as Error).message, re, JSON.stringify(over));
    }
  }
});

t.test('encoded slots: 0 sizes the ring to the tiers and workers; enough is accepted', async (t) => {
  const { encodedSlots } = await import('../../lib/config/derived.js');
  const auto = loadConfig(writeConfig({ pipeline: { workers: 3 } }));
  t.equal(auto.pipeline.encoded_slots, 0, 'automatic by default');
  t.equal(encodedSlots(auto), 14 * 4, '14 tiers × (3 workers + 1)');
  const coarse = loadConfig(writeConfig({ pipeline: { workers: 3 }, streaming: { quality_step: 20 } }));
  t.equal(encodedSlots(coarse), 5 * 4, 'tiers 30, 50, 70, 90, 95');
  const set = loadConfig(writeConfig({ pipeline: { workers: 2, encoded_slots: 42 } }));
  t.equal(encodedSlots(set), 42, 'an explicit value that is enough is kept');
});

t.test('prototype keys in YAML never reach an object', async (t) => {
  const file = writeConfig({});
  const { writeFileSync } = await import('node:fs');
  writeFileSync(file, 'streaming:\n  __proto__:\n    polluted: true\n');
  t.throws(() => loadConfig(file), /__proto__ is not allowed/);
  t.equal(({} as Record<string, unknown>).polluted, undefined);
});

t.test('the server refuses to start on an invalid file and names the key', async (t) => {
  const file = writeConfig({ streaming: { width: -5 } });
  const r = await runExpectingFailure(file);
  t.equal(r.code, 1);
  t.match(r.output, /streaming\.width: value -5 must be >= 16/);
});

t.test('refuses to start on the pure-JS uWebSockets.js fallback', async (t) => {
  // The package's own switch: it then loads its slow JS server, which must be detected.
  const { code, output: out } = await runExpectingFailure('', ['--port', '0'], 15000, { UWS_USE_FALLBACK: '1' });
  t.equal(code, 1);
  t.match(out, /native binary did not load/);
  t.notMatch(out, /listening/);
});
