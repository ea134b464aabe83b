/**
 * Quick fixes for the config problems whose fix is obvious, as text edits (no vscode import).
 * Edits come from jsonc-parser's `modify`, which keeps comments and formatting around the change.
 */
import { type Edit, modify } from 'jsonc-parser';

export interface QuickFix {
  readonly title: string;
  readonly edits: readonly Edit[];
  /** The fix the engine's message proposes. */
  readonly preferred: boolean;
}

const FORMAT = { formattingOptions: { insertSpaces: true, tabSize: 2 } };

const jsonPath = (pointer: readonly string[]): (string | number)[] => pointer.map((s) => (/^\d+$/.test(s) ? Number(s) : s));

/** Fixes for one diagnostic (`code` and `pointer` as the engine reported them); [] when none is obvious. */
export function quickFixes(text: string, code: string, pointer: readonly string[]): QuickFix[] {
  const path = jsonPath(pointer);
  const set = (title: string, p: (string | number)[], value: unknown, preferred = true): QuickFix => ({
    title, edits: modify(text, p, value, FORMAT), preferred,
  });
  switch (code) {
    case 'msg-size-too-small':
      return [set('Set msg_size to 8 (the default)', path, 8)];
    case 'output-idx-outside-message':
      return [set('Set output_idx to 1 (the default)', path, 1)];
    case 'layer-missing-out-size': {
      // The pointer names the layer object or its missing out_size.
      const layer = path[path.length - 1] === 'out_size' ? path.slice(0, -1) : path;
      return [set('Add "out_size": 32 to this layer', [...layer, 'out_size'], 32)];
    }
    case 'last-out-size-mismatch': {
      const field = path[path.length - 1] === 'out_size' ? path : [...path, 'out_size'];
      return [set('Remove out_size from the last layer (take it from the data)', field, undefined)];
    }
    case 'additionalProperties':
      // the schema fault's pointer ends at the unknown key itself
      return pointer.length > 0 ? [set(`Remove the unknown key "${pointer[pointer.length - 1]}"`, path, undefined, false)] : [];
    case 'no-effect':
      if (pointer.join('.') === 'model.vsml_rnn.separate_backward_rnn') {
        return [
          set('Set backward_pass to true', ['model', 'vsml_rnn', 'backward_pass'], true),
          set('Remove separate_backward_rnn', path, undefined, false),
        ];
      }
      return [];
    default:
      return [];
  }
}
