/** Where the scaffolded project's servekit packages come from: version ranges or `file:` links. */
export interface DependencySpecs {
  core: string;
  cli: string;
  /**
   * Exact versions of packages that linked servekit packages load from their
   * own checkout (its onnxruntime-node), put in place of the template's
   * ranges: two versions of one native library cannot share a process.
   */
  pinned?: Readonly<Record<string, string>>;
}
