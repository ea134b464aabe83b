/**
 * Shows the host's `panel/error` (it could not build what this panel shows) as a banner at the
 * top of the panel, as plain text, replacing any earlier one; a later snapshot clears it.
 */
const BANNER_ID = 'panel-error';

/** What a panel's status line says until the host's first snapshot. */
export const WAITING_TEXT = 'Waiting for the extension…';

/** Shows the error; a status line still waiting for the first snapshot stops saying so. */
export function showPanelError(message: string, statusLine?: HTMLElement): void {
  if (statusLine && statusLine.textContent === WAITING_TEXT) statusLine.textContent = 'Nothing to show: see the error above.';
  let banner = document.getElementById(BANNER_ID);
  if (!banner) {
    banner = document.createElement('div');
    banner.id = BANNER_ID;
    banner.className = 'banner error';
    banner.setAttribute('role', 'alert');
    (document.getElementById('app') ?? document.body).prepend(banner);
  }
  banner.textContent = message;
}

export function clearPanelError(): void {
  document.getElementById(BANNER_ID)?.remove();
}
