// ml-logistic-regression ships no types; reuse the declaration @weightspec/mljs compiles with.
/// <reference path="../../../packages/mljs/src/types/ml-logistic-regression.d.ts" />
