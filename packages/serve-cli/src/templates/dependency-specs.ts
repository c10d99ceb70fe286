/** Where the scaffolded project's servekit packages come from: version ranges or `file:` links. */
export interface DependencySpecs {
  core: string;
  cli: string;
}
