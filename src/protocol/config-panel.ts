/**
 * Messages between the host and the config editor (webview/config-editor), a custom text editor
 * for *.vsml.json. The text document is the truth: the panel never writes text, it asks the host
 * to set or remove one value at a JSON path; the host applies that as a WorkspaceEdit (so undo,
 * redo and git diff work) and answers with the re-parsed document.
 */
import { FieldError, Obj, ParseResult, arr, bool, int, obj, optStr, str, tryParse } from './fields';
import { PanelError, PanelLog, boundedArr, messageType, readJsonValue, readLog, readPanelError } from './panel-fields';

export type JsonPath = readonly (string | number)[];

/** One validation problem at a dotted path (`model.sub_rnn.msg_size`), as the engine reports it. */
export interface ConfigProblem {
  readonly path: string;
  readonly message: string;
  readonly fix?: string;
}

export interface ConfigDocumentState {
  /** The parsed document, or null when the text is not valid JSON. */
  readonly value: unknown;
  /** Why the text does not parse (with line:column), when it does not. */
  readonly parseError?: string;
  readonly problems: readonly ConfigProblem[];
  /** Document version the state was computed from (TextDocument.version). */
  readonly version: number;
}

export type HostToConfigMessage =
  /** After `ready`: the JSON Schema to build the form from, and the document. */
  | { readonly type: 'config/init'; readonly schema: unknown; readonly fileName: string; readonly document: ConfigDocumentState; readonly canTrain: boolean }
  /** The text changed (by this form, by typing, by undo, by git). */
  | { readonly type: 'config/document'; readonly document: ConfigDocumentState }
  | PanelError;

export type ConfigToHostMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'config/set'; readonly path: JsonPath; readonly value: unknown }
  | { readonly type: 'config/remove'; readonly path: JsonPath }
  | { readonly type: 'train' }
  | PanelLog;

const HOST_TYPES = ['config/init', 'config/document', 'panel/error'] as const;
const PANEL_TYPES = ['ready', 'config/set', 'config/remove', 'train', 'log'] as const;

function readProblem(value: unknown, path: string): ConfigProblem {
  const o = obj(value, path);
  const fix = optStr(o, 'fix', path);
  return { path: str(o, 'path', path), message: str(o, 'message', path), ...(fix !== undefined ? { fix } : {}) };
}

function readDocument(value: unknown, path: string): ConfigDocumentState {
  const o = obj(value, path);
  const parseError = optStr(o, 'parseError', path);
  return {
    value: readJsonValue(o['value'], `${path}.value`),
    problems: boundedArr(o, 'problems', path, 10_000).map((p, i) => readProblem(p, `${path}.problems[${i}]`)),
    version: int(o, 'version', path),
    ...(parseError !== undefined ? { parseError } : {}),
  };
}

/** Object keys and array indices; non-empty, since the panel never replaces the whole file. */
function readJsonPath(o: Obj, key: string, where: string): JsonPath {
  const raw = arr(o, key, where);
  if (raw.length === 0 || raw.length > 32) throw new FieldError(`${where}.${key}`, 'a path of 1 to 32 keys', raw);
  return raw.map((seg, i) => {
    if (typeof seg === 'string' && seg.length > 0 && seg.length <= 200) return seg;
    if (typeof seg === 'number' && Number.isInteger(seg) && seg >= 0 && seg < 1_000_000) return seg;
    throw new FieldError(`${where}.${key}[${i}]`, 'a key or an array index', seg);
  });
}

export function parseHostToConfigMessage(value: unknown): ParseResult<HostToConfigMessage> {
  return tryParse((): HostToConfigMessage => {
    const { o, type } = messageType(value, HOST_TYPES, 'config message');
    switch (type) {
      case 'config/init':
        return {
          type,
          schema: readJsonValue(o['schema'], `${type}.schema`),
          fileName: str(o, 'fileName', type),
          document: readDocument(o['document'], `${type}.document`),
          canTrain: bool(o, 'canTrain', type),
        };
      case 'config/document':
        return { type, document: readDocument(o['document'], `${type}.document`) };
      case 'panel/error':
        return readPanelError(o, type);
    }
  });
}

export function parseConfigToHostMessage(value: unknown): ParseResult<ConfigToHostMessage> {
  return tryParse((): ConfigToHostMessage => {
    const { o, type } = messageType(value, PANEL_TYPES, 'config panel message');
    switch (type) {
      case 'ready':
      case 'train':
        return { type };
      case 'config/set':
        if (!('value' in o)) throw new FieldError(`${type}.value`, 'a JSON value', undefined);
        return { type, path: readJsonPath(o, 'path', type), value: readJsonValue(o['value'], `${type}.value`) };
      case 'config/remove':
        return { type, path: readJsonPath(o, 'path', type) };
      case 'log':
        return readLog(o, type);
    }
  });
}
