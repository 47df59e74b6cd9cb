import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { MissingPeerError } from '@weightspec/core';
import { classifyInstall, fitInstallAdvice, installCommandFor, installFor, requestingFile } from './install-advice.ts';
import { temporaryFolder } from './test-cli-process.ts';

const folder = temporaryFolder('advice');
afterAll(() => folder.remove());

/** A folder laid out like an npm install: `<owner>/node_modules/@weightspec/cli/dist/bin.js`. */
function installedCli(owner: string, withPackageJson: boolean): string {
  const dist = join(owner, 'node_modules', '@weightspec', 'cli', 'dist');
  mkdirSync(dist, { recursive: true });
  if (withPackageJson) writeFileSync(join(owner, 'package.json'), '{}');
  return join(dist, 'bin.js');
}

describe('classifyInstall', () => {
  it("tells a project's node_modules (owner has package.json) from npm's global folder (none)", () => {
    const project = join(folder.path, 'project');
    const global = join(folder.path, 'prefix', 'lib');
    expect(classifyInstall(installedCli(project, true))).toEqual({ kind: 'project', directory: project });
    expect(classifyInstall(installedCli(global, false))).toEqual({ kind: 'global' });
  });

  it('recognizes the npx cache and a source checkout (no node_modules in the path)', () => {
    expect(classifyInstall('/home/u/.npm/_npx/1a2b/node_modules/@weightspec/cli/dist/bin.js').kind).toBe('npx');
    expect(classifyInstall('/src/weightspec/apps/cli/dist/bin.js').kind).toBe('checkout');
  });
});

describe('installCommandFor', () => {
  it('gives the command that puts the package where that install looks', () => {
    const project = { kind: 'project', directory: '/work/app' } as const;
    expect(installCommandFor(['@weightspec/tfjs'], { kind: 'global' }, '/anywhere')).toBe(
      'npm install -g @weightspec/tfjs',
    );
    expect(installCommandFor(['@weightspec/tfjs'], project, '/work/app/data')).toBe('npm install @weightspec/tfjs');
    expect(installCommandFor(['@weightspec/tfjs'], project, '/elsewhere')).toBe(
      'npm install --prefix /work/app @weightspec/tfjs',
    );
    expect(installCommandFor(['@weightspec/tfjs'], { kind: 'npx' }, '/anywhere')).toBe(
      'npx -p @weightspec/cli -p @weightspec/tfjs weightspec <command>',
    );
  });
});

describe('requestingFile', () => {
  it('reads the requiring file of a CommonJS failure and the importing file of an ES module failure', () => {
    expect(requestingFile({ requireStack: ['/a/node_modules/x/index.js'], message: '' })).toBe(
      '/a/node_modules/x/index.js',
    );
    const url = pathToFileURL('/a/node_modules/@weightspec/onnx/dist/index.js').href;
    expect(requestingFile(new Error(`Cannot find package 'onnxruntime-node' imported from ${url}`))).toBe(
      '/a/node_modules/@weightspec/onnx/dist/index.js',
    );
    expect(requestingFile(new Error('something else'))).toBeUndefined();
  });
});

describe('installFor and fitInstallAdvice', () => {
  it('installs a framework beside the global adapter that required it', () => {
    const requester = join(folder.path, 'g', 'lib', 'node_modules', '@weightspec', 'onnx', 'dist', 'index.cjs');
    mkdirSync(join(folder.path, 'g', 'lib'), { recursive: true });
    const cause = { code: 'MODULE_NOT_FOUND', requireStack: [requester] };
    expect(installFor('onnxruntime-node', cause, folder.path)).toBe('npm install -g onnxruntime-node');
    const error = new MissingPeerError('onnxruntime-node', '@weightspec/onnx', { cause });
    expect(fitInstallAdvice(error, folder.path)).toBe(
      '@weightspec/onnx needs the package "onnxruntime-node", which is not installed. Install it with: npm install -g onnxruntime-node',
    );
  });

  it('without a requesting file: the current project if there is one, else beside the CLI', () => {
    const project = join(folder.path, 'with-project');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), '{}');
    const globalCli = installedCli(join(folder.path, 'p2', 'lib'), false);
    expect(installFor('vega-datasets', undefined, project, globalCli)).toBe('npm install vega-datasets');
    const bare = join(folder.path, 'bare');
    mkdirSync(bare);
    expect(installFor('vega-datasets', undefined, bare, globalCli)).toBe('npm install -g vega-datasets');
  });
});
