import { describe, expect, it } from 'vitest';
import { conformanceCommand } from './command-conformance.ts';
import { trainCommand } from './command-train.ts';

describe('--help of the commands that load adapter modules', () => {
  it('says that a module given to --adapter is executed (issue 12, item 8)', () => {
    for (const command of [trainCommand, conformanceCommand])
      expect(command.help.replace(/\s+/g, ' ')).toContain(
        'is imported and RUNS with your permissions: pass only code you trust',
      );
  });
});
