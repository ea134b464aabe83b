import { test } from 'node:test';
import assert from 'node:assert/strict';
import { divergingColor, divergingLut, lutIndex, midColor } from '../../../webview/shared/colormap';
import { decodeFloat32 } from '../../../webview/shared/base64';

test('the diverging map: zero is the theme middle, the ends saturate, NaN stands out', () => {
  assert.deepEqual(divergingColor(0, 1, 'dark'), midColor('dark'));
  assert.deepEqual(divergingColor(5, 1, 'light'), divergingColor(1, 1, 'light'));
  assert.deepEqual(divergingColor(-1, 1, 'light'), [33, 102, 172]);
  assert.deepEqual(divergingColor(Number.NaN, 1, 'light'), [255, 0, 255]);
  const lut = divergingLut('light');
  const i = lutIndex(-1, 1) * 4;
  assert.deepEqual([lut[i], lut[i + 1], lut[i + 2]], [33, 102, 172]);
  assert.equal(lutIndex(0, 1), 128);
});

test('base64 float32 decoding checks the length', () => {
  const b64 = Buffer.from(new Float32Array([1.5, -2]).buffer).toString('base64');
  assert.deepEqual(Array.from(decodeFloat32(b64, 2)), [1.5, -2]);
  assert.throws(() => decodeFloat32(b64, 3), /expected 3 float32/);
});
