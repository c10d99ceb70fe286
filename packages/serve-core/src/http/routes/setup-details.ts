import type { SetupReport } from "../../runtime/executor/setup-report.js";

/**
 * Setup's report as `/health` shows it: whole, or without its log lines and
 * error message (which can name files on the server) when
 * `exposeSetupDetails` is false.
 */
export function setupDetails(setup: SetupReport, expose: boolean): SetupReport {
  if (expose) return setup;
  const { error, logs: _logs, ...rest } = setup;
  return {
    ...rest,
    logs: "",
    ...(error === undefined ? {} : { error: "setup failed; the server's log has the details" }),
  };
}
