import { callSignal } from "./call-signal.js";
import {
  bodyOf,
  type ClientContext,
  callHeaders,
  encodeFor,
  runCall,
  withMetadata,
  wrapUnexpected,
} from "./client-context.js";
import { Predictions } from "./predictions.js";
import { readStream } from "./read-stream.js";
import type { CallOptions, InputOf, OutputOf, WithMetadata } from "./types.js";

/**
 * The calls one model (or one version of it) answers: `predict`, `stream`
 * and async `predictions`. `createClient` returns one for the server's
 * default model; `client.model(name, { version })` one for any other.
 */
export class ModelClient<P = unknown> {
  /** Async predictions: `create`, `get`, `wait`, `cancel`, `run`. */
  readonly predictions: Predictions<P>;

  constructor(
    protected readonly context: ClientContext,
    /** `""` for the default model, `/models/{name}[/versions/{version}]` for others. */
    readonly pathPrefix: string,
  ) {
    this.predictions = new Predictions<P>(context, pathPrefix);
  }

  /**
   * One prediction (`POST /predict`): the output, typed from the predictor.
   * Retried on 429/503 and on connection errors (see `retry`).
   *
   * @example
   * const { greeting } = await client.predict({ name: "Ada" }, { timeoutMs: 5_000 });
   */
  async predict(input: InputOf<P>, options: CallOptions = {}): Promise<OutputOf<P>> {
    return (await this.predictWithMetadata(input, options)).output;
  }

  /**
   * Like {@link predict}, with the request id and the model-version that answered.
   *
   * @example
   * const { output, modelVersion, requestId } = await client.predictWithMetadata({ name: "Ada" });
   */
  async predictWithMetadata(
    input: InputOf<P>,
    options: CallOptions = {},
  ): Promise<WithMetadata<OutputOf<P>>> {
    const path = `${this.pathPrefix}/predict`;
    const call = callSignal(options, "predict");
    return runCall(call, this.context.transport.url(path), async (signal) => {
      const encoded = await encodeFor(this.context, input, path, "auto");
      const response = await this.context.transport.send({
        method: "POST",
        path,
        body: bodyOf(encoded),
        headers: callHeaders(options, { accept: "application/json" }),
        retry: "safe",
        signal,
      });
      return withMetadata((await response.json()) as OutputOf<P>, response);
    });
  }

  /**
   * A streamed prediction (predictors with `stream: true`): the items as the
   * server sends them over Server-Sent Events. The request goes out when
   * iteration starts; breaking out of the loop closes it. An `event: error`
   * throws a `ServekitError`.
   *
   * @example
   * for await (const item of client.stream({ text: "one two" })) console.log(item.word);
   */
  async *stream(input: InputOf<P>, options: CallOptions = {}): AsyncGenerator<OutputOf<P>> {
    const path = `${this.pathPrefix}/predict`;
    const url = this.context.transport.url(path);
    const call = callSignal(options, "stream");
    try {
      const encoded = await encodeFor(this.context, input, path, "auto");
      const response = await this.context.transport.send({
        method: "POST",
        path,
        body: bodyOf(encoded),
        headers: callHeaders(options, { accept: "text/event-stream" }),
        retry: "safe",
        signal: call.signal,
      });
      yield* readStream(response, url) as AsyncGenerator<OutputOf<P>>;
    } catch (error) {
      call.rethrow(wrapUnexpected(error, call.signal, url));
    } finally {
      call.dispose();
    }
  }
}
