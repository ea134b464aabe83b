/**
 * Every panel shows the host's `panel/error` (it could not build the snapshot) as plain text in a
 * banner, and its status line stops saying it is waiting.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { App, Harness, openPanel, startHarness } from './harness';

let h: Harness;
before(async () => { h = await startHarness(); });
after(async () => { await h.close(); });

const STATUS_LINE: Record<App, string> = { metrics: '#status', graph: '#status', 'config-editor': '#file', 'runs-table': '#status' };

test('each panel shows panel/error as plain text instead of waiting', async () => {
  for (const app of Object.keys(STATUS_LINE) as App[]) {
    const p = await openPanel(h, app, 'dark');
    await p.send({ type: 'panel/error', message: 'could not build the panel: <b>gone</b>' });
    assert.equal(await p.page.locator('#panel-error[role=alert]').textContent(), 'could not build the panel: <b>gone</b>', app);
    assert.equal(await p.page.locator('b').count(), 0, app);
    assert.equal(await p.page.locator(STATUS_LINE[app]).textContent(), 'Nothing to show: see the error above.', app);
    assert.deepEqual(p.consoleErrors, [], app);
    await p.page.close();
  }
});
