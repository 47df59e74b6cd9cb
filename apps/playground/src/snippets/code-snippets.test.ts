import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { presetById } from '../spec/spec-presets.ts';
import { codeSnippets, shellQuote } from './code-snippets.ts';

const context = {
  inputSize: 4,
  numClasses: 5,
  epochs: 20,
  batchSize: 64,
  dataSource: "my file's.csv",
  labelColumn: 'weather',
};

describe('code snippets', () => {
  it('gives one snippet per adapter, each holding the spec document itself', () => {
    const document = presetById('curriculum').document;
    const snippets = codeSnippets(document, context);
    expect(snippets.map((snippet) => snippet.id)).toEqual(['tfjs', 'onnx', 'onnx-web', 'mljs', 'cli']);
    for (const snippet of snippets.filter((candidate) => candidate.language === 'ts')) {
      const json = /const spec = ([\s\S]*?});\n/.exec(snippet.code)?.[1];
      expect(JSON.parse(json ?? 'null'), snippet.id).toEqual(document);
    }
    expect(snippets.find((snippet) => snippet.id === 'onnx-web')?.code).toContain('createOnnxTrainer({ ort,');
  });

  it('quotes shell words so sh reads back exactly the text (POSIX single quotes)', () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    const tricky = `{"a":"it's $HOME \`x\` \\"q\\""}`;
    expect(execFileSync('sh', ['-c', `printf %s ${shellQuote(tricky)}`], { encoding: 'utf8' })).toBe(tricky);
    const cli = codeSnippets({ specVersion: 1, loss: { kind: 'mse' } }, context).find(
      (snippet) => snippet.id === 'cli',
    );
    expect(cli?.code).toContain(`--data 'my file'\\''s.csv' --label 'weather'`);
  });
});
