/**
 * The models one worker serves, each loaded on first use and kept: a worker
 * whose requests all name `yolov5n` never holds the fp16 session (~50 MiB of
 * onnxruntime memory each). `eager` ones load in setup, so READY means the
 * default model is in memory (its warm-up run may still be finishing); a
 * lazily loaded one costs its first request the load and warm-up (~0.3 s
 * here). A load that fails is tried again by the next request that names
 * the model.
 *
 * @example
 * const set = new ModelSet(["yolov5n", "yolov5n-fp16"], (name) => loadModel(name, …));
 * await set.load(["yolov5n"]); // in setup
 * const model = await set.get("yolov5n-fp16"); // loads it now, once
 */
export class ModelSet<Name extends string, Model> {
  private readonly loading = new Map<Name, Promise<Model>>();

  constructor(
    readonly names: readonly Name[],
    private readonly loader: (name: Name) => Promise<Model>,
  ) {}

  /** Loads `names` now (setup's eager models). */
  async load(names: readonly Name[]): Promise<Model[]> {
    const loaded: Model[] = [];
    // One at a time: each load and warm-up uses the worker's one inference thread anyway.
    for (const name of names) loaded.push(await this.get(name));
    return loaded;
  }

  /** The model, loading it on its first use; concurrent first uses share one load. */
  get(name: Name): Promise<Model> {
    let model = this.loading.get(name);
    if (model === undefined) {
      if (!this.names.includes(name)) {
        return Promise.reject(new Error(`unknown model ${name}; one of ${this.names.join(", ")}`));
      }
      model = this.loader(name);
      this.loading.set(name, model);
      model.catch(() => this.loading.delete(name));
    }
    return model;
  }

  /** Names of the models loaded or loading now. */
  loaded(): Name[] {
    return [...this.loading.keys()];
  }
}
