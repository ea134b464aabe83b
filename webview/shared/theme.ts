/** The VS Code theme the webview is in, from the class VS Code puts on <body>. */
export type ThemeKind = 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';

export function themeKind(body: HTMLElement = document.body): ThemeKind {
  const c = body.classList;
  if (c.contains('vscode-high-contrast-light')) return 'high-contrast-light';
  if (c.contains('vscode-high-contrast')) return 'high-contrast';
  if (c.contains('vscode-light')) return 'light';
  return 'dark';
}

/** A theme CSS variable's value (e.g. --vscode-foreground), or the fallback when unset. */
export function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.body).getPropertyValue(name).trim();
  return v || fallback;
}

/** Calls `redraw` when VS Code switches theme (it rewrites <body>'s class and style). */
export function onThemeChange(redraw: () => void): void {
  new MutationObserver(() => redraw()).observe(document.body, { attributes: true, attributeFilter: ['class', 'style'] });
}
