/**
 * Messages between the extension host and the variable-sharing graph panel (webview/graph).
 * After `ready` the host sends `graph/snapshot` (the run, which V_M set each layer uses, and the
 * latest state snapshot or null); while the run trains it sends each new `state/snapshot`
 * (the trainer throttles them to at most one a second).
 */
import { FieldError, ParseResult, intArray, nonEmptyStr, obj, tryParse } from './fields';
import { PanelError, PanelLog, RunSummary, messageType, readLog, readPanelError, readRunSummary } from './panel-fields';
import { StateSnapshot, readSnapshot } from './run-records';

/** Which param set of V_M each layer's sub-RNNs use (from model.vsml_rnn.layerwise_rnns etc.). */
export interface ParamSharing {
  /** Forward tick, per layer. */
  readonly layerParamIndex: readonly number[];
  /** Reverse tick, per layer (equal to the forward indices without a separate backward RNN). */
  readonly backwardLayerParamIndex: readonly number[];
}

export type HostToGraphMessage =
  | { readonly type: 'graph/snapshot'; readonly summary: RunSummary; readonly sharing: ParamSharing; readonly snapshot: StateSnapshot | null }
  | { readonly type: 'state/snapshot'; readonly runId: string; readonly snapshot: StateSnapshot }
  | PanelError;

export type GraphToHostMessage = { readonly type: 'ready' } | PanelLog;

const HOST_TYPES = ['graph/snapshot', 'state/snapshot', 'panel/error'] as const;
const PANEL_TYPES = ['ready', 'log'] as const;
/** The panel draws every cell of every frame; beyond this a snapshot is not meant for it. */
const MAX_STATE_FLOATS = 16_000_000;

/**
 * readSnapshot checks structure; the panel also needs each layer's base64 to hold exactly
 * A*B*N float32, or it would read past the data.
 */
function checkSnapshotSizes(s: StateSnapshot, path: string): StateSnapshot {
  const N = s.slowSize;
  const sizes = s.layerSizes.slice(0, -1).map((a, l) => a * s.layerSizes[l + 1] * N);
  const total = sizes.reduce((x, y) => x + y, 0) * 2 * s.frames.length;
  if (total > MAX_STATE_FLOATS) throw new FieldError(`${path}.frames`, `at most ${MAX_STATE_FLOATS} state numbers`, `${total}`);
  const classes = s.layerSizes[s.layerSizes.length - 1];
  s.frames.forEach((f, i) => {
    f.layers.forEach((layer, l) => {
      const chars = 4 * Math.ceil((sizes[l] * 4) / 3);
      for (const k of ['h', 'c'] as const) {
        if (layer[k].length !== chars) {
          throw new FieldError(`${path}.frames[${i}].layers[${l}].${k}`, `base64 of ${sizes[l]} float32 [A, B, N] (${chars} characters)`, `${layer[k].length} characters`);
        }
      }
    });
    for (const k of ['label', 'prediction'] as const) {
      if (f[k] < 0 || f[k] >= classes) throw new FieldError(`${path}.frames[${i}].${k}`, `a class in [0, ${classes})`, f[k]);
    }
  });
  return s;
}

function readSharing(value: unknown, path: string, layers: number | undefined): ParamSharing {
  const o = obj(value, path);
  const sharing = {
    layerParamIndex: intArray(o, 'layerParamIndex', path, 0),
    backwardLayerParamIndex: intArray(o, 'backwardLayerParamIndex', path, 0),
  };
  for (const k of ['layerParamIndex', 'backwardLayerParamIndex'] as const) {
    if (layers !== undefined && sharing[k].length !== layers) throw new FieldError(`${path}.${k}`, `one entry per layer (${layers})`, sharing[k]);
    if (sharing[k].length > 64) throw new FieldError(`${path}.${k}`, 'at most 64 layers', sharing[k].length);
  }
  return sharing;
}

export function parseHostToGraphMessage(value: unknown): ParseResult<HostToGraphMessage> {
  return tryParse((): HostToGraphMessage => {
    const { o, type } = messageType(value, HOST_TYPES, 'graph message');
    switch (type) {
      case 'graph/snapshot': {
        const snapshot = o['snapshot'] === null ? null : checkSnapshotSizes(readSnapshot(o['snapshot'], `${type}.snapshot`), `${type}.snapshot`);
        const sharing = readSharing(o['sharing'], `${type}.sharing`, snapshot ? snapshot.layerSizes.length - 1 : undefined);
        return { type, summary: readRunSummary(o['summary'], `${type}.summary`), sharing, snapshot };
      }
      case 'state/snapshot':
        return { type, runId: nonEmptyStr(o, 'runId', type), snapshot: checkSnapshotSizes(readSnapshot(o['snapshot'], `${type}.snapshot`), `${type}.snapshot`) };
      case 'panel/error':
        return readPanelError(o, type);
    }
  });
}

export function parseGraphToHostMessage(value: unknown): ParseResult<GraphToHostMessage> {
  return tryParse((): GraphToHostMessage => {
    const { o, type } = messageType(value, PANEL_TYPES, 'graph panel message');
    switch (type) {
      case 'ready':
        return { type };
      case 'log':
        return readLog(o, type);
    }
  });
}
