import { open } from 'node:fs/promises';
import { ConfigIssue, makeIssue } from './issues';

/** A config is a few kB; anything past this is not one (and /dev/zero would never end). */
export const MAX_CONFIG_BYTES = 1024 * 1024;

const issue = (file: string, message: string, fix: string, code: string): { issue: ConfigIssue } =>
  ({ issue: makeIssue(file, [], message, fix, code) });

/**
 * The text of a config file's bytes: UTF-8, with or without a byte-order mark (the BOM is left
 * for parseConfigText to drop, so text held by an editor is treated the same). UTF-16 and bytes
 * that are not UTF-8 get an issue that says how to save the file, rather than a parse error
 * about a character nobody can see.
 */
export function decodeConfigBytes(bytes: Uint8Array, file: string): { text: string } | { issue: ConfigIssue } {
  const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)
    // UTF-16 without a BOM: '{' followed or preceded by a NUL byte
    || (bytes.length >= 2 && ((bytes[0] === 0 && bytes[1] !== 0) || (bytes[0] !== 0 && bytes[1] === 0)));
  if (utf16) return issue(file, 'the file is encoded as UTF-16; configs are UTF-8', 'save it as UTF-8 (in VS Code: "Change File Encoding" in the status bar)', 'encoding');
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    let at = 0;
    for (let n = 1; n <= bytes.length; n++) {
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, n));
        at = n;
      } catch {
        if (n - at > 4) break; // past the longest UTF-8 sequence: the bad byte is at `at`
      }
    }
    return issue(file, `the file is not valid UTF-8 (byte ${at}: 0x${(bytes[at] ?? 0).toString(16).padStart(2, '0')})`,
      'save it as UTF-8; configs are JSON text', 'encoding');
  }
}

/**
 * Reads a config file's text: only regular files, at most MAX_CONFIG_BYTES, decoded as above.
 * Never throws; a file that cannot be read gives one `read` issue.
 */
export async function readConfigFile(file: string): Promise<{ text: string } | { issue: ConfigIssue }> {
  let handle;
  try {
    handle = await open(file, 'r');
    const st = await handle.stat();
    if (st.isDirectory()) return issue(file, 'cannot read the config: is a folder, not a file', 'give the path of a *.vsml.json file (e.g. examples/default.vsml.json)', 'read');
    if (!st.isFile()) return issue(file, 'cannot read the config: not a regular file', 'give the path of a *.vsml.json file', 'read');
    if (st.size > MAX_CONFIG_BYTES) return issue(file, `the file has ${st.size} bytes; a config has at most ${MAX_CONFIG_BYTES}`, 'give the path of a *.vsml.json experiment config', 'read');
    const buf = Buffer.alloc(Math.min(st.size, MAX_CONFIG_BYTES) + 1);
    let n = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buf, n, buf.length - n, n);
      if (bytesRead === 0) break;
      n += bytesRead;
      if (n === buf.length) return issue(file, `the file grew past ${MAX_CONFIG_BYTES} bytes while being read`, 'give the path of a *.vsml.json experiment config', 'read');
    }
    return decodeConfigBytes(buf.subarray(0, n), file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const what = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a file' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    return issue(file, `cannot read the config: ${what}`, 'give the path of a *.vsml.json file (e.g. examples/default.vsml.json)', 'read');
  } finally {
    await handle?.close();
  }
}
