import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EXPORT_FILTERS, exportBytes } from '../../../src/extension/panels/export-file';

test('the host writes PNG exports from base64 and CSV/SVG as UTF-8 text, byte for byte', () => {
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 255]);
  assert.deepEqual(Buffer.from(exportBytes({ format: 'png', data: png.toString('base64') })), png);
  assert.equal(Buffer.from(exportBytes({ format: 'csv', data: 'series,x,y\nμ,1,2\n' })).toString('utf8'), 'series,x,y\nμ,1,2\n');
  assert.equal(Buffer.from(exportBytes({ format: 'svg', data: '<svg/>' })).toString('utf8'), '<svg/>');
  assert.deepEqual(Object.keys(EXPORT_FILTERS).sort(), ['csv', 'png', 'svg']);
});
