import { codeSnippets } from './snippets/code-snippets.ts';
import { escapeXml } from './charts/svg-charts.ts';
import { mountDatasetPanel } from './page/dataset-panel.ts';
import type { PreparedDataset } from './page/dataset-panel.ts';
import { copyText, element, positiveInteger } from './page/page-dom.ts';
import { mountSpecEditor } from './page/spec-editor.ts';
import { renderSpecPlots } from './page/spec-plots.ts';
import { mountTrainingPanel } from './page/training-panel.ts';
import type { SpecValidation } from './spec/spec-validation.ts';

// The page's state is the editor's latest validation and the loaded dataset; every view derives from them.
let validation: SpecValidation | null = null;
let prepared: PreparedDataset | null = null;

function refreshPlots(): void {
  const plotError = element('plot-error');
  const charts = element('spec-charts');
  plotError.textContent = '';
  if (!validation?.ok || !prepared) {
    charts.innerHTML = '';
    plotError.textContent = !validation?.ok ? 'The plots follow the spec once it is valid.' : '';
    return;
  }
  const epochs = positiveInteger('epochs', 20);
  const batchSize = positiveInteger('batch-size', 64);
  try {
    charts.innerHTML = renderSpecPlots(validation.spec, {
      labels: prepared.trainLabels,
      classNames: prepared.dataset.classNames,
      epochs,
      stepsPerEpoch: Math.ceil(prepared.trainLabels.length / batchSize),
    });
  } catch (error) {
    charts.innerHTML = '';
    const code = (error as { code?: string }).code;
    plotError.textContent = `${code ? `${code}: ` : ''}${(error as Error).message}`;
  }
}

function refreshSnippets(): void {
  const container = element('snippets');
  if (!validation?.ok) {
    container.innerHTML = '<p class="muted">The snippets follow the spec once it is valid.</p>';
    return;
  }
  const snippets = codeSnippets(validation.document, {
    inputSize: prepared?.dataset.featureNames.length ?? 4,
    numClasses: prepared?.dataset.classNames.length ?? 5,
    epochs: positiveInteger('epochs', 20),
    batchSize: positiveInteger('batch-size', 64),
    dataSource: prepared?.source ?? 'builtin:seattle-weather',
    labelColumn: prepared?.dataset.labelColumn ?? 'weather',
  });
  container.innerHTML = snippets
    .map(
      (snippet) =>
        `<details data-testid="snippet-${snippet.id}"><summary>${escapeXml(snippet.title)} <button type="button" data-copy="${snippet.id}">Copy</button></summary><pre><code>${escapeXml(snippet.code)}</code></pre></details>`,
    )
    .join('');
  for (const button of container.querySelectorAll<HTMLButtonElement>('button[data-copy]'))
    button.addEventListener('click', (event) => {
      event.preventDefault();
      const snippet = snippets.find((candidate) => candidate.id === button.dataset.copy);
      if (snippet) copyText(snippet.code, `${snippet.title} snippet`);
    });
}

function refresh(): void {
  refreshPlots();
  refreshSnippets();
}

const editor = mountSpecEditor((next) => {
  validation = next;
  refresh();
});
validation = editor.validation();
mountDatasetPanel((next) => {
  prepared = next;
  refresh();
});
for (const id of ['epochs', 'batch-size']) element(id).addEventListener('change', refresh);
mountTrainingPanel(() => ({
  spec: validation?.ok ? validation.spec : null,
  specDocument: validation?.ok ? validation.document : null,
  prepared,
}));
