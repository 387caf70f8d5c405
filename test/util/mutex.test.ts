import t from 'tap';
import { Mutex } from '../../lib/util/mutex.js';

t.test('tasks run one at a time in order, and a failure does not block the next', async (t) => {
  const m = new Mutex();
  const log: string[] = [];
  const task = (name: string, ms: number, fail = false) => m.run(async () => {
    log.push(`start ${name}`);
    await new Promise((r) => setTimeout(r, ms));
    log.push(`end ${name}`);
    if (fail) throw new Error(name);
    return name;
  });
  const results = await Promise.allSettled([task('a', 30), task('b', 5, true), task('c', 1)]);
  t.same(log, ['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  t.same(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
});
