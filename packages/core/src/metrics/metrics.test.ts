import { describe, expect, it } from 'vitest';
import { accuracyScore, balancedAccuracyScore } from './accuracy-scores.ts';
import {
  classificationReport,
  classificationReportToJson,
  formatClassificationReport,
} from './classification-report.ts';
import { confusionMatrix } from './confusion-matrix.ts';
import { logLoss } from './log-loss.ts';
import { precisionRecallF1 } from './precision-recall-f1.ts';
import { formatFixed, formatPythonFloat } from './python-number-format.ts';

// A weighted example worked by hand from scikit-learn's definitions (classes sorted: bird, cat, dog):
// confusion rows (true) x columns (predicted), weights summed:
//   bird: predicted dog with weight 3            -> [0, 0, 3]
//   cat:  predicted cat with weight 1            -> [0, 1, 0]
//   dog:  predicted cat (w 2) and dog (w 1)      -> [0, 2, 1]
// tp = [0, 1, 1], support = row sums [3, 1, 3], predicted = column sums [0, 3, 4], total 7.
const yTrue = ['cat', 'dog', 'dog', 'bird'];
const yPred = ['cat', 'cat', 'dog', 'dog'];
const sampleWeight = [1, 2, 1, 3];

describe('confusionMatrix', () => {
  it('sums sample weights per (true, predicted) pair with string labels', () => {
    const result = confusionMatrix(yTrue, yPred, { sampleWeight });
    expect(result.classes).toEqual(['bird', 'cat', 'dog']);
    expect(result.matrix).toEqual([
      [0, 0, 3],
      [0, 1, 0],
      [0, 2, 1],
    ]);
  });

  it("matches scikit-learn's documented example and normalizes rows", () => {
    // scikit-learn confusion_matrix docstring: y_true [2,0,2,2,0,1], y_pred [0,0,2,2,0,2].
    const truth = [2, 0, 2, 2, 0, 1];
    const predicted = [0, 0, 2, 2, 0, 2];
    expect(confusionMatrix(truth, predicted).matrix).toEqual([
      [2, 0, 0],
      [0, 0, 1],
      [1, 0, 2],
    ]);
    expect(confusionMatrix(truth, predicted, { normalize: 'true' }).matrix[2]).toEqual([1 / 3, 0, 2 / 3]);
    // A class given but never seen keeps a zero row instead of NaN (scikit-learn's nan_to_num).
    const withEmpty = confusionMatrix(truth, predicted, { classes: [0, 1, 2, 3], normalize: 'true' });
    expect(withEmpty.matrix[3]).toEqual([0, 0, 0, 0]);
  });

  it('rejects a label outside the given classes and a negative weight, naming the field', () => {
    expect(() => confusionMatrix(['a', 'b'], ['a', 'c'], { classes: ['a', 'b'] })).toThrow(/yPred\[1\]/);
    expect(() => confusionMatrix(['a', 'b'], ['a', 'b'], { sampleWeight: [1, -1] })).toThrow(/sampleWeight\[1\]/);
    expect(() => confusionMatrix(['a', 'b'], ['a'])).toThrow(/yPred: has 1 labels but yTrue has 2/);
    expect(() => confusionMatrix('ab' as never, ['a', 'b'])).toThrow(/yTrue: must be an array of labels/);
    expect(() => confusionMatrix(['a'], ['a'], { normalize: 'rows' as never })).toThrow(/normalize/);
    expect(() => precisionRecallF1(['a'], ['a'], { zeroDivision: 'warn' as never })).toThrow(/zeroDivision/);
  });
});

describe('precisionRecallF1', () => {
  it('computes per-class scores and macro / weighted averages by hand', () => {
    const result = precisionRecallF1(yTrue, yPred, { sampleWeight });
    const [bird, cat, dog] = result.perClass;
    // bird is never predicted: precision 0/0 -> zero_division 0; F1 = 2*0/(3+0) = 0.
    expect(bird).toEqual({ precision: 0, recall: 0, f1: 0, support: 3 });
    expect(cat?.precision).toBeCloseTo(1 / 3, 12);
    expect(cat?.recall).toBe(1);
    expect(cat?.f1).toBeCloseTo(2 / (1 + 3), 12);
    expect(dog?.precision).toBeCloseTo(1 / 4, 12);
    expect(dog?.recall).toBeCloseTo(1 / 3, 12);
    expect(dog?.f1).toBeCloseTo(2 / (3 + 4), 12);
    expect(result.macroAvg.precision).toBeCloseTo((0 + 1 / 3 + 1 / 4) / 3, 12);
    expect(result.macroAvg.recall).toBeCloseTo((0 + 1 + 1 / 3) / 3, 12);
    expect(result.macroAvg.f1).toBeCloseTo((0 + 1 / 2 + 2 / 7) / 3, 12);
    expect(result.weightedAvg.precision).toBeCloseTo((3 * 0 + 1 * (1 / 3) + 3 * (1 / 4)) / 7, 12);
    expect(result.weightedAvg.recall).toBeCloseTo((3 * 0 + 1 * 1 + 3 * (1 / 3)) / 7, 12);
    expect(result.weightedAvg.f1).toBeCloseTo((3 * 0 + 1 * (1 / 2) + 3 * (2 / 7)) / 7, 12);
    expect(result.weightedAvg.support).toBe(7);
  });

  it('applies zero_division 1 and NaN as scikit-learn >= 1.3 (NaN left out of averages)', () => {
    const ones = precisionRecallF1(yTrue, yPred, { sampleWeight, zeroDivision: 1 });
    // Precision of bird is 0/0 -> 1; F1 keeps its non-zero denominator 3 and stays 0.
    expect(ones.perClass[0]).toEqual({ precision: 1, recall: 0, f1: 0, support: 3 });
    const nan = precisionRecallF1(yTrue, yPred, { sampleWeight, zeroDivision: 'nan' });
    expect(nan.perClass[0]?.precision).toBeNaN();
    expect(nan.macroAvg.precision).toBeCloseTo((1 / 3 + 1 / 4) / 2, 12);
    expect(nan.weightedAvg.precision).toBeCloseTo((1 * (1 / 3) + 3 * (1 / 4)) / (1 + 3), 12);
  });

  it('equals the unweighted scores when every weight is 1', () => {
    const weighted = precisionRecallF1(yTrue, yPred, { sampleWeight: [1, 1, 1, 1] });
    expect(weighted).toEqual(precisionRecallF1(yTrue, yPred));
  });
});

describe('accuracy and balanced accuracy', () => {
  it('weights correct predictions by sample weight', () => {
    // Correct: sample 0 (w 1) and sample 2 (w 1) out of a total weight 7.
    expect(accuracyScore(yTrue, yPred, { sampleWeight })).toBeCloseTo(2 / 7, 12);
    // Mean recall over bird, cat, dog: (0 + 1 + 1/3) / 3.
    expect(balancedAccuracyScore(yTrue, yPred, { sampleWeight })).toBeCloseTo(4 / 9, 12);
  });

  it("matches scikit-learn's balanced_accuracy_score docstring example and its adjusted form", () => {
    // y_true [0,1,0,0,1,0], y_pred [0,1,0,0,0,1]: recall 3/4 and 1/2, balanced accuracy 0.625.
    const truth = [0, 1, 0, 0, 1, 0];
    const predicted = [0, 1, 0, 0, 0, 1];
    expect(balancedAccuracyScore(truth, predicted)).toBeCloseTo(0.625, 12);
    expect(balancedAccuracyScore(truth, predicted, { adjusted: true })).toBeCloseTo((0.625 - 0.5) / 0.5, 12);
  });

  it('leaves classes that are only predicted out of balanced accuracy, as scikit-learn does', () => {
    // Class 2 is predicted but never true: recall over classes 0 and 1 only = (1 + 0) / 2.
    expect(balancedAccuracyScore([0, 1], [0, 2])).toBe(0.5);
  });

  it('raises WS_ZERO_DENOMINATOR when every weight is 0', () => {
    expect(() => accuracyScore([0, 1], [0, 1], { sampleWeight: [0, 0] })).toThrow(
      expect.objectContaining({ code: 'WS_ZERO_DENOMINATOR' }),
    );
  });
});

describe('logLoss', () => {
  it("matches scikit-learn's docstring example with string labels (ham < spam)", () => {
    const truth = ['spam', 'ham', 'ham', 'spam'];
    const probabilities = [
      [0.1, 0.9],
      [0.9, 0.1],
      [0.8, 0.2],
      [0.35, 0.65],
    ];
    // -(ln .9 + ln .9 + ln .8 + ln .65) / 4 = 0.21616...
    const expected = -(Math.log(0.9) + Math.log(0.9) + Math.log(0.8) + Math.log(0.65)) / 4;
    expect(logLoss(truth, probabilities)).toBeCloseTo(expected, 12);
    expect(expected).toBeCloseTo(0.21616, 5);
    // Weighted: the last sample gets weight 0, the second weight 2.
    const weighted = -(Math.log(0.9) + 2 * Math.log(0.9) + Math.log(0.8)) / 4;
    expect(logLoss(truth, probabilities, { sampleWeight: [1, 2, 1, 0] })).toBeCloseTo(weighted, 12);
    expect(logLoss(truth, probabilities, { sampleWeight: [1, 2, 1, 0], normalize: false })).toBeCloseTo(
      weighted * 4,
      12,
    );
    // The binary flat form holds P(spam).
    expect(logLoss(truth, [0.9, 0.1, 0.2, 0.65])).toBeCloseTo(expected, 12);
  });

  it('clips at float64 machine epsilon: a certain wrong prediction costs -ln(2^-52)', () => {
    expect(
      logLoss(
        [0, 1],
        [
          [1, 0],
          [1, 0],
        ],
      ),
    ).toBeCloseTo((0 + -Math.log(2 ** -52)) / 2, 9);
  });

  it('rejects rows that do not sum to 1, values outside [0, 1] and a single class', () => {
    expect(() =>
      logLoss(
        [0, 1],
        [
          [0.5, 0.6],
          [0.5, 0.5],
        ],
      ),
    ).toThrow(/probabilities\[0\]: must sum to 1/);
    expect(() =>
      logLoss(
        [0, 1],
        [
          [2, -1],
          [0.5, 0.5],
        ],
      ),
    ).toThrow(/probabilities\[0\]\[0\]/);
    expect(() =>
      logLoss(
        [0, 0],
        [
          [1, 0],
          [1, 0],
        ],
      ),
    ).toThrow(/only one label/);
    expect(
      logLoss(
        [0, 0],
        [
          [1, 0],
          [1, 0],
        ],
        { classes: [0, 1] },
      ),
    ).toBeCloseTo(-Math.log(1 - 2 ** -52), 15);
  });
});

describe('classificationReport', () => {
  it("prints scikit-learn's documented example character for character", () => {
    // From scikit-learn's classification_report docstring.
    const report = classificationReport([0, 1, 2, 2, 2], [0, 0, 2, 2, 1], {
      targetNames: ['class 0', 'class 1', 'class 2'],
    });
    expect(formatClassificationReport(report)).toBe(
      [
        '              precision    recall  f1-score   support',
        '',
        '     class 0       0.50      1.00      0.67         1',
        '     class 1       0.00      0.00      0.00         1',
        '     class 2       1.00      0.67      0.80         3',
        '',
        '    accuracy                           0.60         5',
        '   macro avg       0.50      0.56      0.49         5',
        'weighted avg       0.70      0.60      0.61         5',
        '',
      ].join('\n'),
    );
    expect(report.balancedAccuracy).toBeCloseTo((1 + 0 + 2 / 3) / 3, 12);
  });

  it('gives the JSON of output_dict=True, with weighted (float) supports', () => {
    const report = classificationReport(yTrue, yPred, { sampleWeight });
    const json = classificationReportToJson(report);
    expect(Object.keys(json)).toEqual(['bird', 'cat', 'dog', 'accuracy', 'macro avg', 'weighted avg']);
    expect(json.accuracy).toBeCloseTo(2 / 7, 12);
    expect(json.cat).toEqual({ precision: 1 / 3, recall: 1, 'f1-score': 0.5, support: 1 });
    // Weighted supports print as Python floats (numpy's bincount with weights is float64). The text
    // below was printed by scikit-learn 1.2.1's classification_report for the same inputs.
    expect(formatClassificationReport(report)).toBe(
      [
        '              precision    recall  f1-score   support',
        '',
        '        bird       0.00      0.00      0.00       3.0',
        '         cat       0.33      1.00      0.50       1.0',
        '         dog       0.25      0.33      0.29       3.0',
        '',
        '    accuracy                           0.29       7.0',
        '   macro avg       0.19      0.44      0.26       7.0',
        'weighted avg       0.15      0.29      0.19       7.0',
        '',
      ].join('\n'),
    );
    const proto = classificationReportToJson(classificationReport(['__proto__', 'x'], ['__proto__', 'x']));
    expect(Object.keys(proto)).toContain('__proto__');
  });
});

describe('Python number formatting', () => {
  it('rounds exact ties to even like Python and writes floats like repr', () => {
    expect(formatFixed(0.125, 2)).toBe('0.12'); // '{:.2f}'.format(0.125)
    expect(formatFixed(0.375, 2)).toBe('0.38');
    expect(formatFixed(2 / 3, 2)).toBe('0.67');
    expect(formatFixed(Number.NaN, 2)).toBe('nan');
    expect(formatPythonFloat(3)).toBe('3.0');
    expect(formatPythonFloat(2.5)).toBe('2.5');
    expect(formatPythonFloat(1e16)).toBe('1e+16');
    expect(formatPythonFloat(1.5e-5)).toBe('1.5e-05');
  });
});
