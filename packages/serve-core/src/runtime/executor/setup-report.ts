/** How setup went, in the shape of Cog's `/health` `setup` field. */
export interface SetupReport {
  started_at: string | null;
  completed_at: string | null;
  status: "starting" | "succeeded" | "failed";
  /** Lines the predictor logged during setup. */
  logs: string;
  /** Why setup failed (message only, no stack). */
  error?: string;
}

/** `report` with one more log line, as setup writes it. */
export function appendSetupLog(report: SetupReport, line: string): SetupReport {
  return { ...report, logs: report.logs ? `${report.logs}\n${line}` : line };
}

export function pendingSetupReport(): SetupReport {
  return { started_at: null, completed_at: null, status: "starting", logs: "" };
}

/**
 * One report for several workers: failed if any failed, succeeded when all
 * did, with each worker's log lines prefixed by its index.
 */
export function mergeSetupReports(reports: SetupReport[]): SetupReport {
  if (reports.length === 1) return reports[0]!;
  const started = reports.map((r) => r.started_at).filter((t): t is string => t !== null);
  const completed = reports.map((r) => r.completed_at);
  const failed = reports.find((r) => r.status === "failed");
  const allDone = reports.every((r) => r.status === "succeeded");
  const logs = reports
    .flatMap((r, i) => (r.logs ? r.logs.split("\n").map((line) => `[worker ${i}] ${line}`) : []))
    .join("\n");
  return {
    started_at: started.sort()[0] ?? null,
    completed_at:
      failed?.completed_at ??
      (allDone ? ([...(completed as string[])].sort().at(-1) ?? null) : null),
    status: failed ? "failed" : allDone ? "succeeded" : "starting",
    logs,
    ...(failed?.error === undefined ? {} : { error: failed.error }),
  };
}
