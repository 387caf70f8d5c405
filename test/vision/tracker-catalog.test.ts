// The catalog: original names, what runs under each, clear errors.

import t from 'tap';
import { createTracker, DEFAULT_TRACKER, findTracker, trackerCatalog } from '../../lib/vision/tracker-catalog.js';
import { HybridTracker } from '../../lib/vision/hybrid-tracker.js';
import { KcfTracker } from '../../lib/vision/kcf-tracker.js';
import { MosseTracker } from '../../lib/vision/mosse-tracker.js';

t.test('names, defaults and the algorithm behind each', async (t) => {
  const cat = trackerCatalog();
  t.same(cat.map((e) => e.name), ['CSRT', 'KCF', 'dlib', 'Gimbal']);
  t.equal(cat.filter((e) => e.default).map((e) => e.name).join(), DEFAULT_TRACKER);
  t.match(findTracker('csrt')!.description, /Not OpenCV CSRT/);
  t.equal(findTracker('gimbal')!.implemented, false);
  t.ok(createTracker('csrt') instanceof HybridTracker);
  t.ok(createTracker('KCF') instanceof KcfTracker);
  t.ok(createTracker('DLIB') instanceof MosseTracker);
  t.equal(createTracker('dlib').name, 'dlib');
  cat[0].data_types.push('X');
  t.notOk(trackerCatalog()[0].data_types.includes('X'), 'callers get a copy');
});

t.test('unknown and unimplemented names are refused clearly', async (t) => {
  t.throws(() => createTracker('MIL'), /unknown tracker "MIL"; valid: CSRT, KCF, dlib, Gimbal/);
  t.throws(() => createTracker('Gimbal'), /not implemented/);
});
