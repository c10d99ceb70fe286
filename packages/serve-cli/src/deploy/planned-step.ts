/**
 * One command of a deploy plan (GCE, Cloud Run, Heroku): the plans return
 * these as data, a real run executes them in order with `runStep`, and a dry
 * run prints them with `dryRunScript`.
 *
 * `Reads` names what a real run takes from a step's stdout (an IP, a URL, a
 * token), so each target's plan says which values its steps may carry.
 *
 * @example
 * const step: PlannedStep<"service-url"> = {
 *   description: "Read the URL of service yolov5",
 *   argv: ["gcloud", "run", "services", "describe", "yolov5", "--format=value(status.url)"],
 *   reads: "service-url",
 * };
 */
export interface PlannedStep<Reads extends string = string> {
  /** What the step does, for progress output and error messages. */
  description: string;
  /** The program and its arguments, run without a shell. */
  argv: string[];
  /** Set on a command whose stdout the deploy reads; its output is not shown. */
  reads?: Reads;
  /** Set on a command whose output may repeat secrets (e.g. config var values): it is not shown. */
  hideOutput?: true;
}
