import { SPEC_PRESETS, presetById, presetText } from '../spec/spec-presets.ts';
import { validateSpecText } from '../spec/spec-validation.ts';
import type { SpecValidation } from '../spec/spec-validation.ts';
import { decodeSpecHash, shareLink } from '../share/share-link.ts';
import { escapeXml } from '../charts/svg-charts.ts';
import { copyText, element } from './page-dom.ts';

/** The spec editor: presets, live validation with path and line, copy and share. */
export interface SpecEditor {
  readonly validation: () => SpecValidation;
  readonly text: () => string;
}

const defaultPreset = 'balanced';

function renderGutter(text: string, issueLines: ReadonlySet<number>): string {
  const lineCount = text.split('\n').length;
  return Array.from({ length: lineCount }, (_, index) =>
    issueLines.has(index + 1) ? `<b>${index + 1}</b>` : String(index + 1),
  ).join('\n');
}

/** Wires the editor; `onChange` runs after each edit with the new validation. */
export function mountSpecEditor(onChange: (validation: SpecValidation) => void): SpecEditor {
  const editor = element<HTMLTextAreaElement>('spec-editor');
  const gutter = element<HTMLPreElement>('spec-gutter');
  const status = element('spec-status');
  const issues = element('spec-issues');
  const presetSelect = element<HTMLSelectElement>('preset-select');
  const presetSummary = element('preset-summary');
  const link = element<HTMLAnchorElement>('share-link');
  presetSelect.innerHTML =
    SPEC_PRESETS.map((preset) => `<option value="${preset.id}">${escapeXml(preset.title)}</option>`).join('') +
    '<option value="custom">(edited)</option>';
  let validation: SpecValidation = validateSpecText('');

  const update = () => {
    validation = validateSpecText(editor.value);
    const lines = new Set(validation.ok ? [] : validation.issues.map((issue) => issue.line));
    gutter.innerHTML = renderGutter(editor.value, lines);
    if (validation.ok) {
      status.className = 'ok';
      status.textContent = 'Valid weightspec v1 spec.';
      issues.innerHTML = '';
      link.href = shareLink(location.href, editor.value);
    } else {
      status.className = 'error';
      status.textContent = `${validation.issues.length} problem${validation.issues.length === 1 ? '' : 's'}:`;
      issues.innerHTML = validation.issues
        .map(
          (issue) =>
            `<li data-testid="spec-issue" data-path="${escapeXml(issue.jsonPath)}" data-line="${issue.line}"><code>${escapeXml(issue.jsonPath)}</code> line ${issue.line}, column ${issue.column}: ${escapeXml(issue.message)}</li>`,
        )
        .join('');
    }
    onChange(validation);
  };
  const load = (text: string) => {
    editor.value = text;
    update();
  };

  editor.addEventListener('input', () => {
    presetSelect.value = 'custom';
    presetSummary.textContent = '';
    update();
  });
  editor.addEventListener('scroll', () => {
    gutter.scrollTop = editor.scrollTop;
  });
  presetSelect.addEventListener('change', () => {
    if (presetSelect.value === 'custom') return;
    presetSummary.textContent = presetById(presetSelect.value).summary;
    load(presetText(presetSelect.value));
  });
  element('copy-spec').addEventListener('click', () => copyText(editor.value, 'spec'));
  element('copy-link').addEventListener('click', () => copyText(shareLink(location.href, editor.value), 'link'));

  let shared: string | null = null;
  try {
    shared = decodeSpecHash(location.hash);
  } catch (error) {
    status.textContent = (error as Error).message;
  }
  if (shared !== null) {
    presetSelect.value = 'custom';
    load(shared);
  } else {
    presetSelect.value = defaultPreset;
    presetSummary.textContent = presetById(defaultPreset).summary;
    load(presetText(defaultPreset));
  }
  return { validation: () => validation, text: () => editor.value };
}
