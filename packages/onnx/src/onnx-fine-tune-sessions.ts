import type { FineTuneGraph } from './onnx-fine-tune-step.ts';
import type { OnnxRuntimeLike, OnnxRuntimeSession } from './onnx-fine-tuner-types.ts';
import { encodeOnnxModel } from './onnx-model-proto.ts';
import { runtimeCall } from './onnx-fine-tune-checks.ts';

/** Sessions kept at once: step and evaluation graphs for a full and a last partial batch, with room to spare. */
const MAXIMUM_SESSIONS = 8;

/** A built graph and the ONNX Runtime session running it. */
export interface GraphSession {
  readonly session: OnnxRuntimeSession;
  readonly graph: FineTuneGraph;
}

/**
 * A small least-recently-used cache of sessions, keyed by what shapes the graph (kind, batch size,
 * class weights at the clock). Scheduled class weights change the graph, so an annealed schedule
 * would otherwise keep one session per step alive; the oldest is released past MAXIMUM_SESSIONS.
 */
export class GraphSessionCache {
  readonly #ort: OnnxRuntimeLike;
  readonly #options: Record<string, unknown>;
  readonly #entries = new Map<string, GraphSession>();

  /** `options` are InferenceSession options (threads). */
  constructor(ort: OnnxRuntimeLike, options: Record<string, unknown>) {
    this.#ort = ort;
    this.#options = options;
  }

  /** The session for `key`, building its graph with `build` on a miss. */
  async get(key: string, build: () => FineTuneGraph): Promise<GraphSession> {
    const cached = this.#entries.get(key);
    if (cached) {
      this.#entries.delete(key);
      this.#entries.set(key, cached);
      return cached;
    }
    const graph = build();
    const session = await runtimeCall(`rejects the ${key.split('|')[0]} graph made from this model`, () =>
      this.#ort.InferenceSession.create(encodeOnnxModel(graph.model), this.#options),
    );
    const entry = { session, graph };
    this.#entries.set(key, entry);
    if (this.#entries.size > MAXIMUM_SESSIONS) {
      const [oldestKey, oldest] = this.#entries.entries().next().value as [string, GraphSession];
      this.#entries.delete(oldestKey);
      await oldest.session.release();
    }
    return entry;
  }

  /** Releases every session. */
  async release(): Promise<void> {
    for (const { session } of this.#entries.values()) await session.release();
    this.#entries.clear();
  }
}
