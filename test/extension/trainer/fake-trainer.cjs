// A stand-in for dist/trainer.js in tests: speaks the trainer protocol (docs/contracts.md §3) and
// writes a run folder (§1) the way the engine does, with none of the math. Behaviour from
// FAKE_TRAINER_MODE: finish (default) | crash (exit 3 after 2 steps) | hang (ignores run/stop)
// | garbage (sends one malformed message first). Steps: FAKE_TRAINER_STEPS (default 4), every
// FAKE_TRAINER_STEP_MS (default 50) ms; the config's "iterations" when it can be read.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const args = process.argv.slice(2);
const config = args[0];
const runsDir = args[args.indexOf('--runs-dir') + 1];
const mode = process.env.FAKE_TRAINER_MODE || 'finish';
const fromConfig = (() => {
  try {
    return Number(/"iterations"\s*:\s*(\d+)/.exec(fs.readFileSync(config, 'utf8'))[1]);
  } catch {
    return undefined;
  }
})();
const total = Number(process.env.FAKE_TRAINER_STEPS || fromConfig || (mode === 'hang' ? 100000 : 4));
const stepMs = Number(process.env.FAKE_TRAINER_STEP_MS || 50);

const name = path.basename(config).replace(/\.vsml\.json$/, '');
const runId = `${name}-20261127-191500-${Math.floor(Math.random() * 0xffff).toString(16).padStart(4, '0')}`;
const runDir = path.join(runsDir, runId);
fs.mkdirSync(runDir, { recursive: true });
fs.writeFileSync(path.join(runDir, 'config.json'), JSON.stringify({ name, source: config }));
const runner = { path: 'fake', backend: 'none', threads: 1 };
const startedAt = new Date().toISOString();
const writeStatus = (state, step, extra = {}) => {
  const s = { state, runId, name, source: config, pid: process.pid, startedAt, updatedAt: new Date().toISOString(),
    step, totalSteps: total, elapsedSeconds: step * stepMs / 1000, runner, ...extra };
  fs.writeFileSync(path.join(runDir, 'status.json.tmp'), JSON.stringify(s));
  fs.renameSync(path.join(runDir, 'status.json.tmp'), path.join(runDir, 'status.json'));
};
const send = (m) => process.send && process.send(m);

let stopping = false;
process.on('message', (m) => {
  if (m && m.type === 'run/stop' && mode !== 'hang') stopping = true;
});

if (mode === 'garbage') send({ type: 'run/progress', runId, step: 'one' });
writeStatus('running', 0);
send({ type: 'run/started', runId, runDir, runner, totalSteps: total });
process.stdout.write(`fake trainer ${runId} on ${config}\n`);
let step = 0;
const timer = setInterval(() => {
  if (stopping) {
    clearInterval(timer);
    writeStatus('stopped', step, { endedAt: new Date().toISOString() });
    send({ type: 'run/done', runId, state: 'stopped' });
    setTimeout(() => process.exit(0), 10);
    return;
  }
  step++;
  const row = { step, time: step * stepMs / 1000, metaLoss: 2.3 - 0.1 * step, lossPos: 2.3, lossNeg: 2.3, trainAccuracy: 0.1,
    gradNorm: 0.02, thetaNorm: 3.1, stepSeconds: stepMs / 1000 };
  fs.appendFileSync(path.join(runDir, 'metrics.jsonl'), `${JSON.stringify(row)}\n`);
  send({ type: 'metrics/append', runId, rows: [row] });
  send({ type: 'run/progress', runId, step, totalSteps: total, metaLoss: row.metaLoss, etaSeconds: (total - step) * stepMs / 1000 });
  writeStatus('running', step);
  if (mode === 'crash' && step === 2) {
    process.stderr.write('fake trainer: simulated crash\n');
    process.exit(3);
  }
  if (step >= total) {
    clearInterval(timer);
    writeStatus('finished', step, { endedAt: new Date().toISOString() });
    send({ type: 'run/done', runId, state: 'finished' });
    setTimeout(() => process.exit(0), 10);
  }
}, stepMs);
