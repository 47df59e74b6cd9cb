/**
 * The starter spec `weightspec init` writes: JSONC (comments allowed), valid for parseWeightingSpec
 * once comments are stripped, with a comment on every block that says what it does and the options.
 */
export const STARTER_SPEC_TEXT = `// weightspec v1 weighting spec. This file is JSONC: // and /* */ comments are allowed;
// every weightspec command reads it. Check it with:  weightspec validate weightspec.jsonc
{
  // Required: the version of the spec format.
  "specVersion": 1,

  // The loss the weights apply to. softmax_cross_entropy: one class per sample (from: logits or
  // probabilities). Others: sigmoid_cross_entropy (binary / multi-label), mse, mae, huber.
  "loss": { "kind": "softmax_cross_entropy", "from": "logits", "labelSmoothing": 0 },

  // Class weights computed from the training set's class counts. balanced: n / (C * n_c), the same
  // as scikit-learn's compute_class_weight. Other strategies: manual ("weights": [...]),
  // inverse_frequency, median_frequency, effective_number ("beta"), max_ratio.
  // Add "clip": { "max": 10 } to stop a very rare class from dominating the loss.
  "class": { "strategy": "balanced" },

  // Per-sample weights come with the data (e.g. weightspec weights --sample-weight COLUMN).
  // mean_one divides them by their mean, so the loss keeps its scale.
  "sample": { "normalize": "mean_one" },

  // Optional rules applied in order, each multiplying the weight. Uncomment one to try it:
  "adaptive": [
    // { "kind": "focal", "gamma": 2 },
    // { "kind": "hard_mining", "keepFraction": 0.7 }
  ],

  // weighted_mean divides the weighted loss sum by the sum of weights (Keras, TF.js, scikit-learn).
  // zeroDenominator: what an all-zero-weight batch gives: zero, nan or error.
  "reduction": { "kind": "weighted_mean", "zeroDenominator": "zero" }
}
`;
