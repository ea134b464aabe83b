/**
 * Where a run's trainer.log is, for "VS-ML: Open Run Log": the file in the run folder when it is a
 * regular file. A run folder may come from a cloned repository, so a link or special file planted
 * at that name is reported, never opened (the contract's rule for every run file).
 */
import { lstat } from 'node:fs/promises';
import { join } from 'node:path';

export const RUN_LOG_FILE = 'trainer.log';

export type RunLogLookup = { readonly file: string } | { readonly problem: string };

export async function findRunLog(runDir: string, runId: string): Promise<RunLogLookup> {
  const file = join(runDir, RUN_LOG_FILE);
  let st;
  try {
    st = await lstat(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT')
      return { problem: `${runId} has no ${RUN_LOG_FILE} yet (the trainer writes it when it logs a warning or an error, and runs written by older versions have none)` };
    return { problem: `${file}: ${(e as Error).message}` };
  }
  if (st.isSymbolicLink()) return { problem: `${file} is a symbolic link; run files are never opened through links` };
  if (!st.isFile()) return { problem: `${file} is not a regular file; not opened` };
  return { file };
}
