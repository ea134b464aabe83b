import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_NOTIFICATION_LENGTH, plainText } from '../../src/extension/plain-text';
import { REPO_ROOT } from '../helpers/paths';

test('untrusted text cannot form a link, a command link or extra lines in a notification', () => {
  const dataset = 'mnist [Click to fix](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22rm%22%7D)';
  const shown = plainText(`VS-ML: cannot load ${dataset}`);
  assert.ok(!/[[\]]/.test(shown), shown);
  assert.ok(!/command:/i.test(shown), shown);
  assert.match(shown, /^VS-ML: cannot load mnist ［Click to fix］\(command :workbench/);
  assert.equal(plainText('run\nfailed:\r\u0007 [x](https://evil.example)'), 'run failed:  ［x］(https://evil.example)');
  assert.equal(plainText('COMMAND:x'), 'COMMAND :x');
  assert.equal(plainText('plain words stay as they are (100%).'), 'plain words stay as they are (100%).');
  const long = plainText('x'.repeat(10_000));
  assert.equal(long.length, MAX_NOTIFICATION_LENGTH);
  assert.ok(long.endsWith('…'));
});

test('no extension module calls vscode.window.show*Message directly (all go through notify.ts)', () => {
  const files = (dir: string): string[] => readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
  // trust.ts shows one fixed sentence of ours.
  const allowed = new Set(['notify.ts', 'trust.ts'].map((f) => join(REPO_ROOT, 'src/extension', f)));
  const direct = files(join(REPO_ROOT, 'src/extension')).filter((f) => !allowed.has(f) && /window\.show(Information|Warning|Error)Message\(/.test(readFileSync(f, 'utf8')));
  assert.deepEqual(direct, []);
});
