import { coreComposeSides } from './core-compose.bench.ts';
import { mljsQualitySides } from './mljs-quality.bench.ts';
import { mljsSides } from './mljs-train.bench.ts';
import { fineTuneSides } from './onnx-finetune.bench.ts';
import { onnxSides } from './onnx-step.bench.ts';
import { tfjsSides } from './tfjs-fit.bench.ts';

/** One side of a comparison, set up and ready to be timed: `run` is one repetition. */
export interface BenchmarkSide {
  readonly run: () => unknown | Promise<unknown>;
  /** Anything measured besides time (a model's coefficients, an accuracy), reported with the timings. */
  readonly details?: () => Record<string, unknown> | Promise<Record<string, unknown>>;
  readonly release?: () => unknown | Promise<unknown>;
}

/** How a side is set up: bench-side.ts runs one side with the runtimes' defaults, bench-pair.ts two with spinning off. */
export interface SideOptions {
  /** Whether ONNX Runtime's idle pool threads spin (its default); sides of other frameworks ignore it. */
  readonly threadSpinning: boolean;
}

/** Sides by benchmark and side name, each set up lazily in the child process that times it. */
export type SideRegistry = Record<string, (options: SideOptions) => Promise<BenchmarkSide>>;

/** Every benchmark's sides, looked up by bench-side.ts. */
export const benchmarkSides: Record<string, SideRegistry> = {
  core: coreComposeSides,
  mljs: mljsSides,
  quality: mljsQualitySides,
  tfjs: tfjsSides,
  onnx: onnxSides,
  finetune: fineTuneSides,
};
