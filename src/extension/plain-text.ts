/**
 * Text from outside the extension (a committed config's dataset names, run names and ids, error
 * messages of the trainer or the CLI) made safe for a notification. VS Code renders
 * `[label](target)` in notification messages as a link, `command:` targets included, so a cloned
 * repository could otherwise show "[Fix it](command:…)" in our name. Brackets become their
 * full-width look-alikes (no link can form), a `command:` scheme is broken up, control characters
 * and line breaks become spaces, and the length is capped. No vscode import.
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;
/** Longest notification text; the output channel has the whole story. */
export const MAX_NOTIFICATION_LENGTH = 600;

export function plainText(text: string, maxLength = MAX_NOTIFICATION_LENGTH): string {
  const flat = text
    .replace(CONTROL, ' ')
    .replace(/\[/g, '［')
    .replace(/\]/g, '］')
    .replace(/command:/gi, (m) => `${m.slice(0, -1)} :`)
    .trim();
  return flat.length > maxLength ? `${flat.slice(0, maxLength - 1)}…` : flat;
}
