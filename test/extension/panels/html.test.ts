import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contentSecurityPolicy, newNonce, panelHtml } from '../../../src/extension/panels/html';

test('the page has a strict CSP, a fresh nonce, and no inline script', () => {
  const a = panelHtml({ cspSource: 'https://x.vscode-cdn.net', scriptUri: 'https://x/metrics.js', styleUri: 'https://x/metrics.css', title: 'A <b>run</b>' });
  const b = panelHtml({ cspSource: 'https://x.vscode-cdn.net', scriptUri: 'https://x/metrics.js', styleUri: 'https://x/metrics.css', title: 't' });
  const nonce = /script-src 'nonce-([^']+)'/.exec(a)?.[1];
  assert.ok(nonce && nonce.length >= 20);
  assert.notEqual(nonce, /script-src 'nonce-([^']+)'/.exec(b)?.[1], 'a fresh nonce per page');
  assert.match(a, /default-src 'none'/);
  assert.doesNotMatch(a, /unsafe-inline|unsafe-eval/);
  const scripts = [...a.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
  assert.equal(scripts.length, 1);
  assert.match(scripts[0][1], new RegExp(`nonce="${nonce}"`));
  assert.equal(scripts[0][2], '', 'no inline script body');
  assert.ok(a.includes('A &lt;b&gt;run&lt;/b&gt;'), 'the title is escaped');
  assert.notEqual(newNonce(), newNonce());
});

test('styles, fonts and images only from the webview resource origin', () => {
  assert.equal(contentSecurityPolicy('vscode-resource:', 'N'), "default-src 'none'; script-src 'nonce-N'; style-src vscode-resource:; font-src vscode-resource:; img-src vscode-resource:");
});
