import { mkdirSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";

/**
 * Makes the journal's folder, one level at a time. Node's recursive mkdir
 * loops forever on some paths it cannot create (under `/proc`, at 100% CPU),
 * so it is not used; a failure names the option and what would work.
 */
export function ensureJournalDirectory(dir: string): void {
  try {
    makeLevels(resolve(dir));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `\`journalDir\` ${dir} cannot be used (${reason}); point it to a writable directory`,
      { cause: error },
    );
  }
}

function makeLevels(absolute: string): void {
  const stat = statSync(absolute, { throwIfNoEntry: false });
  if (stat?.isDirectory()) return;
  if (stat) throw new Error(`${absolute} exists and is not a directory`);
  const parent = dirname(absolute);
  if (parent !== absolute) makeLevels(parent);
  mkdirSync(absolute);
}
