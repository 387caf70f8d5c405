import t from 'tap';
import { numberFlag, parseFlags } from '../../bench/flags.js';

class Usage extends Error {}
const usage = (err?: string): never => { throw new Usage(err ?? 'help'); };

t.test('flags with and without values; help, missing value and unknown flag go to usage', async (t) => {
  const seen: [string, string | null][] = [];
  const handle = (k: string, value: () => string) => {
    if (k === '--quick') seen.push([k, null]);
    else if (k === '--out') seen.push([k, value()]);
    else return false;
    return true;
  };
  parseFlags(['--quick', '--out', 'dir', '--quick'], handle, usage);
  t.same(seen, [['--quick', null], ['--out', 'dir'], ['--quick', null]]);
  t.throws(() => parseFlags(['--out'], handle, usage), { message: '--out needs a value' });
  t.throws(() => parseFlags(['--nope'], handle, usage), { message: 'unknown option --nope' });
  t.throws(() => parseFlags(['-h'], handle, usage), { message: 'help' });
});

t.test('numberFlag: range and whole numbers', async (t) => {
  t.equal(numberFlag('--n', '3', 1, 9, usage), 3);
  t.equal(numberFlag('--w', '2.5', 2, 300, usage, false), 2.5);
  t.throws(() => numberFlag('--n', '2.5', 1, 9, usage), { message: '--n takes a whole number from 1 to 9' });
  t.throws(() => numberFlag('--n', '10', 1, 9, usage));
  t.throws(() => numberFlag('--n', 'x', 1, 9, usage));
});
