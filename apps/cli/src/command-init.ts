import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { expectPositionals, flagOption } from './cli-arguments.ts';
import type { CliCommand } from './cli-io.ts';
import { checkOutputFile, writeAtomically } from './output-files.ts';
import { STARTER_SPEC_TEXT } from './starter-spec.ts';

const help = `Usage: weightspec init [FILE] [--force]

Writes a commented starter weighting spec (JSONC) to FILE (default: weightspec.jsonc).
Use "-" as FILE to print it instead. An existing file is kept unless --force is given.

Options:
  --force     overwrite FILE if it exists
  -h, --help  show this help`;

/** `weightspec init`: writes the starter spec. */
export const initCommand: CliCommand = {
  name: 'init',
  summary: 'write a commented starter spec (weightspec.jsonc)',
  help,
  options: { force: { type: 'boolean' } },
  async run(parsed, io) {
    expectPositionals('init', parsed, 1);
    const target = parsed.positionals[0] ?? 'weightspec.jsonc';
    if (target === '-') {
      io.stdout.write(STARTER_SPEC_TEXT);
      return 0;
    }
    const path = resolve(target);
    await checkOutputFile(path, flagOption(parsed, 'force'), []);
    await writeAtomically(path, (temporaryPath) => writeFile(temporaryPath, STARTER_SPEC_TEXT, 'utf8'));
    io.stdout.write(`wrote ${target}\nnext: weightspec validate ${target}\n`);
    return 0;
  },
};
