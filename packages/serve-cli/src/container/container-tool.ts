/** Which program builds and pushes images. */
export type ContainerToolName = "docker" | "podman" | "buildah";

export interface BuildImageOptions {
  /** Directory sent as the build context. */
  contextDir: string;
  /** Dockerfile path (inside the context). */
  dockerfile: string;
  /** Image name and tag, e.g. "yolov5:latest". */
  tag: string;
  /** Called with each line the builder prints; without it, a failure's message carries the output's tail. */
  onOutput?: (line: string) => void;
  /** The base image the Dockerfile starts from, named in the hint when it cannot be pulled. */
  baseImage?: string;
}

/**
 * A container tool: one small interface, one real implementation per
 * program (docker, podman, buildah), chosen by {@link detectContainerTool}.
 */
export interface ContainerTool {
  readonly name: ContainerToolName;
  build(options: BuildImageOptions): Promise<void>;
  /** Gives `source` a second name, e.g. a registry path. */
  tag(source: string, target: string): Promise<void>;
  push(image: string, onOutput?: (line: string) => void): Promise<void>;
  /** The content digest ("sha256:…") of a local image, when the tool can tell. */
  imageDigest?(image: string): Promise<string | undefined>;
  /** Image size in bytes, when the tool can tell. */
  imageSize(image: string): Promise<number | undefined>;
  /** The argv that `tag`/`push` run, for --dry-run output. */
  commandLine(action: "tag" | "push", ...args: string[]): string[];
}
