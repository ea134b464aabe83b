import { readFileSync } from 'node:fs';
import { EngineError } from '../errors';
import { AdamState } from '../optim/adam';
import { ModelConfig, isVsml, validateLearnerConfig } from '../learners/learner-config';
import { paramLayout } from '../model/param-layout';
import { learnerLayout } from '../learners/learner-layout';

/** Version of the checkpoint format; readers refuse newer versions with a clear message. */
export const CHECKPOINT_VERSION = 1;

/**
 * A portable checkpoint: V_M and the optimizer state as base64 little-endian float64, plus the
 * resolved model section so `vsml eval` can rebuild the network from the checkpoint alone.
 */
export interface Checkpoint {
  format: 'vsml-checkpoint';
  version: number;
  step: number;
  runId: string;
  model: unknown;
  /** The engine's model config (layer sizes included), so a checkpoint is evaluable on its own. */
  modelConfig?: ModelConfig;
  /** The whole resolved experiment config (preprocessing, evaluation settings). */
  config?: unknown;
  layout: { numSets: number; setSize: number; size: number };
  theta: Float64Array;
  optimizer: { type: 'adam'; state: AdamState };
  /**
   * The meta-optimizer (`optimizer.type`) and its own resumable state beyond Adam's
   * (MetaOptimizerState.extra); absent in checkpoints written before there was more than ES.
   */
  metaOptimizer?: { type: string; extra?: unknown };
  rng: { seed: number; step: number };
}

/** The checkpoint's `layout` field: VSML's param sets; a baseline's θ is one set. */
export function checkpointLayout(cfg: ModelConfig): Checkpoint['layout'] {
  if (isVsml(cfg)) {
    const p = paramLayout(cfg);
    return { numSets: p.numSets, setSize: p.setSize, size: p.size };
  }
  const size = learnerLayout(cfg).size;
  return { numSets: 1, setSize: size, size };
}

export function encodeF64(a: Float64Array): string {
  const le = new Float64Array(a); // copy; typed arrays are little-endian on every platform Node runs on
  return Buffer.from(le.buffer, le.byteOffset, le.byteLength).toString('base64');
}

export function decodeF64(s: string, where: string, file?: string): Float64Array {
  if (typeof s !== 'string') throw new EngineError(where, 'must be a base64 string of float64 values', 'use a checkpoint written by vsml', file);
  const buf = Buffer.from(s, 'base64');
  if (buf.byteLength % 8 !== 0) throw new EngineError(where, `has ${buf.byteLength} bytes, not a whole number of float64`, 'the checkpoint is truncated; use an earlier one', file);
  const out = new Float64Array(buf.byteLength / 8);
  new Uint8Array(out.buffer).set(buf);
  return out;
}

export function serializeCheckpoint(c: Checkpoint): string {
  return JSON.stringify({
    format: c.format,
    version: c.version,
    step: c.step,
    runId: c.runId,
    model: c.model,
    modelConfig: c.modelConfig,
    config: c.config,
    layout: c.layout,
    theta: encodeF64(c.theta),
    optimizer: { type: c.optimizer.type, count: c.optimizer.state.count, mu: encodeF64(c.optimizer.state.mu), nu: encodeF64(c.optimizer.state.nu) },
    metaOptimizer: c.metaOptimizer,
    rng: c.rng,
  });
}

export function parseCheckpoint(text: string, file: string): Checkpoint {
  let j: any;
  try {
    j = JSON.parse(text);
  } catch (e) {
    throw new EngineError('', `is not valid JSON (${(e as Error).message})`, 'the checkpoint is corrupt; use an earlier step-*.json', file);
  }
  if (j?.format !== 'vsml-checkpoint') throw new EngineError('format', 'is not "vsml-checkpoint"', 'pass a run folder or a checkpoints/*.json file', file);
  if (typeof j.version !== 'number' || j.version > CHECKPOINT_VERSION)
    throw new EngineError('version', `is ${j.version}; this vsml reads up to ${CHECKPOINT_VERSION}`, 'upgrade VS-ML Lab', file);
  const theta = decodeF64(j.theta, 'theta', file);
  if (theta.length !== j.layout?.size) throw new EngineError('theta', `holds ${theta.length} numbers, layout.size says ${j.layout?.size}`, 'the checkpoint is corrupt; use an earlier one', file);
  for (let i = 0; i < theta.length; i++)
    if (!Number.isFinite(theta[i])) throw new EngineError(`theta[${i}]`, `is ${theta[i]}`, 'the run diverged; use an earlier checkpoint', file);
  if (j.modelConfig !== undefined) {
    try {
      validateLearnerConfig(j.modelConfig);
    } catch (e) {
      throw e instanceof EngineError ? new EngineError(`modelConfig.${e.path}`, e.rawMessage(), 'the checkpoint is corrupt; use an earlier one', file) : e;
    }
    const need = learnerLayout(j.modelConfig).size;
    if (need !== theta.length) throw new EngineError('theta', `holds ${theta.length} numbers, the model needs ${need}`, 'the checkpoint is corrupt; use an earlier one', file);
  }
  const mu = decodeF64(j.optimizer?.mu, 'optimizer.mu', file);
  const nu = decodeF64(j.optimizer?.nu, 'optimizer.nu', file);
  if (mu.length !== theta.length || nu.length !== theta.length) throw new EngineError('optimizer', 'state size differs from theta', 'the checkpoint is corrupt; use an earlier one', file);
  const meta = j.metaOptimizer;
  if (meta !== undefined && (typeof meta !== 'object' || meta === null || typeof meta.type !== 'string'))
    throw new EngineError('metaOptimizer', 'must be an object with a string "type"', 'the checkpoint is corrupt; use an earlier one', file);
  return {
    format: 'vsml-checkpoint',
    version: j.version,
    step: j.step,
    runId: j.runId,
    model: j.model,
    modelConfig: j.modelConfig,
    config: j.config,
    layout: j.layout,
    theta,
    optimizer: { type: 'adam', state: { mu, nu, count: j.optimizer.count } },
    metaOptimizer: meta,
    rng: j.rng,
  };
}

export function readCheckpoint(file: string): Checkpoint {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new EngineError('', `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, 'pass a run folder or a checkpoints/*.json file', file);
  }
  return parseCheckpoint(text, file);
}
