/**
 * CodeLenses above a `*.vsml.json`: "Train VS-ML" and the cost hint (cell-ticks per meta-step and a
 * time estimate). The speed is measured from the newest runs in the runs folder (cost-hint.ts),
 * cached for a minute.
 */
import * as vscode from 'vscode';
import { validateConfigText } from '../../engine/config/load-config';
import type { DatasetCatalog } from '../../engine/config/dataset-facts';
import { Disposable } from '../dispose';
import { resolveIn, type VsmlSettings } from '../settings';
import { UNTRUSTED_TRAINING_MESSAGE } from '../trust';
import { DEFAULT_SPEEDS, type Speed, costHint } from './cost-hint';
import type { SpeedKind } from '../../engine/config/cost';
import { speedFromRuns } from '../../engine/runs/speed-from-runs';
import { invalidConfigLens } from './train-gate';

const SPEED_CACHE_MS = 60_000;
export class CostLens extends Disposable implements vscode.CodeLensProvider {
  private readonly changed = this.track(new vscode.EventEmitter<void>());
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly speeds = new Map<SpeedKind, { at: number; dir: string; value: Speed }>();
  private readonly measuring = new Map<SpeedKind, Promise<void>>();

  constructor(private readonly settings: () => VsmlSettings, private readonly root: () => string | undefined, private readonly catalog: () => DatasetCatalog | undefined = () => undefined) {
    super();
    this.track(vscode.languages.registerCodeLensProvider({ pattern: '**/*.vsml.json' }, this));
    this.track(vscode.workspace.onDidGrantWorkspaceTrust(() => this.changed.fire()));
  }

  /** A run started, progressed or ended: measure the speeds again on the next request. */
  invalidateSpeed(): void {
    this.speeds.clear();
    this.changed.fire();
  }

  /** The speed of one kind of work (VSML forward, backprop, a baseline), measured in the background and cached for a minute. */
  private currentSpeed(kind: SpeedKind): Speed {
    const r = this.root();
    const dir = r ? resolveIn(r, this.settings().runsFolder) : '';
    const cached = this.speeds.get(kind);
    if ((!cached || cached.dir !== dir || Date.now() - cached.at > SPEED_CACHE_MS) && !this.measuring.has(kind) && dir) {
      this.measuring.set(kind, speedFromRuns(dir, undefined, kind)
        .then((value) => {
          const before = this.speeds.get(kind)?.value.perSecond;
          this.speeds.set(kind, { at: Date.now(), dir, value });
          if (before !== value.perSecond) this.changed.fire();
        })
        .catch(() => undefined)
        .finally(() => this.measuring.delete(kind)));
    }
    return cached?.value ?? DEFAULT_SPEEDS[kind];
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    const top = new vscode.Range(0, 0, 0, 0);
    const catalog = this.catalog();
    const result = validateConfigText(doc.getText(), doc.uri.fsPath, catalog ? { catalog } : {});
    const lenses = [!vscode.workspace.isTrusted
      ? new vscode.CodeLens(top, { title: '$(shield) Restricted Mode: configs are validated, training is disabled', tooltip: UNTRUSTED_TRAINING_MESSAGE, command: 'workbench.trust.manage' })
      : result.ok
        ? new vscode.CodeLens(top, { title: '$(play) Train VS-ML', command: 'vsml.train', arguments: [doc.uri] })
        // no Train on a config that cannot run: say why and lead to the faults
        : new vscode.CodeLens(top, { ...invalidConfigLens(result.issues), command: 'workbench.actions.view.problems' })];
    if (!result.ok) return lenses;
    const hint = costHint(result.config, (kind) => this.currentSpeed(kind));
    if (hint) lenses.push(new vscode.CodeLens(top, { title: hint.title, tooltip: hint.tooltip, command: '' }));
    return lenses;
  }
}
