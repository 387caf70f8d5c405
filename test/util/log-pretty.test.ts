import t from 'tap';
import { prettyLine } from '../../lib/util/log-pretty.js';

t.test('a JSON log line becomes time, level, component, message, then key=value', async (t) => {
  const time = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
  const fields = { level: 40, time, pid: 1, component: 'http', route: '/stats', reason: 'invalid token', n: 3, msg: 'access denied' };
  const line = JSON.stringify(fields);
  t.equal(prettyLine(`${line}\n`), '03:04:05.678 WARN  http: access denied route=/stats reason="invalid token" n=3\n');
});

t.test('an error field adds its stack, indented', async (t) => {
  const line = JSON.stringify({ level: 50, time: 0, msg: 'boom', err: { type: 'Error', message: 'x', stack: 'Error: x\n    at f' } });
  t.equal(prettyLine(line), '00:00:00.000 ERROR boom\n  Error: x\n      at f\n');
});

t.test('a line that is not JSON passes through', async (t) => {
  t.equal(prettyLine('plain text'), 'plain text\n');
  t.equal(prettyLine('plain text\n'), 'plain text\n');
});
