import { InvalidSpecError, serializeWeightingSpec } from '@weightspec/core';
import { expectPositionals, flagOption } from './cli-arguments.ts';
import type { CliCommand } from './cli-io.ts';
import { CliUsageError } from './cli-usage-error.ts';
import { readSpecFile } from './spec-file.ts';

const help = `Usage: weightspec validate FILE [--print]

Checks a weighting spec (JSON or JSONC). Each problem is listed with its JSON path and its
line:column in the file. Exit code 0 when valid, 1 when not.

Options:
  --print     on success, print the canonical spec (defaults filled in, comments removed)
  -h, --help  show this help`;

/** `weightspec validate`: explains every problem of a spec with its JSON path and position. */
export const validateCommand: CliCommand = {
  name: 'validate',
  summary: 'check a spec and explain each error with its JSON path',
  help,
  options: { print: { type: 'boolean' } },
  async run(parsed, io) {
    expectPositionals('validate', parsed, 1);
    const path = parsed.positionals[0];
    if (path === undefined) throw new CliUsageError('give the spec file to check', 'validate');
    try {
      const { spec } = await readSpecFile(path);
      if (flagOption(parsed, 'print')) io.stdout.write(`${serializeWeightingSpec(spec)}\n`);
      else io.stdout.write(`${path}: valid weighting spec (specVersion ${spec.specVersion}, loss ${spec.loss.kind})\n`);
      return 0;
    } catch (error) {
      if (!InvalidSpecError.isInstance(error)) throw error;
      const count = error.issues.length;
      io.stderr.write(`${path}: ${count} problem${count === 1 ? '' : 's'} (error ${error.code})\n`);
      for (const issue of error.issues) io.stderr.write(`  ${issue.jsonPath}: ${issue.message}\n`);
      return 1;
    }
  },
};
