import type { DeployDeps } from "./deploy-deps.js";

/** The side effects of {@link deployGce}, injectable for tests. */
export type GceDeployDeps = DeployDeps;

/** What {@link deployGce} did. */
export type GceDeployResult =
  /** `dryRun`: the commands it would run, as a shell script. */
  | { kind: "dry-run"; script: string }
  /** The server answers `/health/ready` at `url`; `created` is false when an existing VM was updated. */
  | { kind: "deployed"; url: string; created: boolean; image: string }
  /**
   * `autoscale`: the managed instance group is stable. `url` is the load
   * balancer's (which answered `/health/ready`), or undefined without one;
   * `rolled` says a rolling update to a new template started.
   */
  | {
      kind: "deployed-group";
      group: string;
      url: string | undefined;
      created: boolean;
      rolled: boolean;
      image: string;
      /** A gcloud command that lists the group's VMs and their external IPs. */
      listVms: string;
    }
  /** `delete`: what existed and was deleted (absent things are skipped). */
  | { kind: "deleted"; removed: string[] };
