/**
 * Page object for the VS Code workbench served by code-server (selectors from
 * ../shared/notes/vscode-e2e.md, Code 1.100.3). One method per user action.
 */
import type { Locator, Page } from 'playwright-core';

export class Workbench {
  constructor(readonly page: Page) {}

  async waitLoaded(timeoutMs = 60_000): Promise<void> {
    await this.page.locator('.monaco-workbench').waitFor({ timeout: timeoutMs });
    // The activity bar is drawn once the extensions' view containers are registered.
    await this.page.locator('.activitybar').waitFor({ timeout: timeoutMs });
  }

  private quickInput(): Locator {
    return this.page.locator('.quick-input-widget input[type="text"]');
  }

  /** F1, then `text` (a `>command` or a file name), then Enter on the row whose label matches. */
  async quickPick(text: string, rowText: string | RegExp, timeoutMs = 20_000): Promise<void> {
    await this.page.keyboard.press('F1');
    const input = this.quickInput();
    await input.waitFor({ timeout: timeoutMs });
    await input.fill(text);
    const row = this.page.locator('.quick-input-list .monaco-list-row', { hasText: rowText }).first();
    await row.waitFor({ timeout: timeoutMs });
    await row.click();
  }

  /** Picks a row in a quick pick a command opened (no typing). */
  async pickRow(rowText: string | RegExp, timeoutMs = 20_000): Promise<void> {
    const row = this.page.locator('.quick-input-list .monaco-list-row', { hasText: rowText }).first();
    await row.waitFor({ timeout: timeoutMs });
    await row.click();
  }

  /** Types into the open input box (a command's showInputBox), replacing what is there; Enter when `submit`. */
  async typeInInputBox(text: string, submit: boolean, timeoutMs = 20_000): Promise<void> {
    const input = this.quickInput();
    await input.waitFor({ timeout: timeoutMs });
    await input.fill(text);
    if (submit) await this.page.keyboard.press('Enter');
  }

  /** The open input box, found by what it shows (title, prompt or validation message). */
  inputBox(text: string | RegExp): Locator {
    return this.page.locator('.quick-input-widget', { hasText: text });
  }

  async runCommand(title: string): Promise<void> {
    await this.quickPick(`>${title}`, title);
  }

  async openFile(name: string): Promise<void> {
    await this.quickPick(name, name);
    await this.page.locator(`.tabs-container .tab[aria-label^="${name}"]`).first().waitFor({ timeout: 20_000 });
  }

  /** Opens a view container from the activity bar by its title. */
  async openViewContainer(title: string): Promise<void> {
    const item = this.page.locator(`.activitybar .action-item a[aria-label^="${title}"]`).first();
    await item.waitFor({ timeout: 30_000 });
    const parent = item.locator('xpath=..');
    if (!((await parent.getAttribute('class')) ?? '').includes('checked')) await item.click();
  }

  /** A row of a tree/list in the side bar whose text matches. */
  sideBarRow(text: string | RegExp): Locator {
    return this.page.locator('.sidebar .monaco-list-row', { hasText: text });
  }

  async openProblems(): Promise<void> {
    await this.runCommand('View: Focus Problems');
  }

  problemRow(text: string | RegExp): Locator {
    return this.page.locator('.markers-panel .monaco-list-row', { hasText: text });
  }

  notification(text: string | RegExp): Locator {
    return this.page.locator('.notification-toast', { hasText: text });
  }

  async screenshot(path: string): Promise<void> {
    await this.page.screenshot({ path, fullPage: false });
  }
}
