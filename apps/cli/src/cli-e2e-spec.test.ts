import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runBuiltCli, temporaryFolder } from './test-cli-process.ts';
import { STARTER_SPEC_TEXT } from './starter-spec.ts';

const folder = temporaryFolder('spec');
afterAll(() => folder.remove());
const cwd = folder.path;

describe('weightspec (built CLI): help, init and validate', () => {
  it('prints the command list with --help (exit 0) and without a command (usage, exit 2)', async () => {
    const help = await runBuiltCli(['--help'], { cwd });
    expect(help.status).toBe(0);
    for (const command of ['init', 'validate', 'weights', 'train', 'demo', 'conformance'])
      expect(help.stdout).toContain(`  ${command} `);
    expect((await runBuiltCli([], { cwd })).status).toBe(2);
  });

  it.each(['init', 'validate', 'weights', 'train', 'demo', 'conformance'])(
    'answers "%s --help" with its usage',
    async (command) => {
      const run = await runBuiltCli([command, '--help'], { cwd });
      expect(run.status).toBe(0);
      expect(run.stdout).toMatch(new RegExp(`^Usage: weightspec ${command}`));
    },
  );

  it('exits 2 on an unknown command or option, pointing at --help', async () => {
    const unknownCommand = await runBuiltCli(['trian'], { cwd });
    expect(unknownCommand.status).toBe(2);
    expect(unknownCommand.stderr).toContain('error: unknown command "trian"');
    const unknownOption = await runBuiltCli(['validate', 'x.json', '--strict'], { cwd });
    expect(unknownOption.status).toBe(2);
    expect(unknownOption.stderr).toContain("Unknown option '--strict'");
    expect(unknownOption.stderr).toContain('Run: weightspec validate --help');
  });

  it('init writes the commented starter spec, refuses to overwrite it, and overwrites with --force', async () => {
    const first = await runBuiltCli(['init'], { cwd });
    expect(first.status).toBe(0);
    const path = join(cwd, 'weightspec.jsonc');
    expect(readFileSync(path, 'utf8')).toBe(STARTER_SPEC_TEXT);
    writeFileSync(path, '// edited by the user\n');
    const second = await runBuiltCli(['init'], { cwd });
    expect(second.status).toBe(1);
    expect(second.stderr).toMatch(
      /^error WS_INVALID_INPUT: .*weightspec\.jsonc: already exists; pass --force to overwrite it\n$/,
    );
    expect(readFileSync(path, 'utf8')).toBe('// edited by the user\n');
    expect((await runBuiltCli(['init', '--force'], { cwd })).status).toBe(0);
    expect(readFileSync(path, 'utf8')).toBe(STARTER_SPEC_TEXT);
  });

  it('validate accepts the starter spec and prints its canonical form with --print', async () => {
    await runBuiltCli(['init', 'starter.jsonc'], { cwd });
    const run = await runBuiltCli(['validate', 'starter.jsonc', '--print'], { cwd });
    expect(run.status).toBe(0);
    const canonical = JSON.parse(run.stdout) as { class: unknown; sample: unknown };
    expect(canonical.class).toEqual({ strategy: 'balanced' });
    expect(canonical.sample).toEqual({ normalize: 'mean_one' });
  });

  it('validate lists every problem with its JSON path and file position, exit 1, no stack trace', async () => {
    writeFileSync(
      join(cwd, 'bad.jsonc'),
      '{\n  "specVersion": 1,\n  // regression loss\n  "loss": {"kind": "mse"},\n  "clas": {"strategy": "balanced"},\n  "reduction": {"kind": "average"}\n}\n',
    );
    const run = await runBuiltCli(['validate', 'bad.jsonc'], { cwd });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('bad.jsonc: 2 problems (error WS_INVALID_SPEC)');
    // Positions by hand: the misspelt key's value starts at line 5 column 11, "average" at line 6 column 25.
    expect(run.stderr).toMatch(/ {2}\$: Unrecognized key.*"clas".*\(bad\.jsonc:5:11\)/);
    expect(run.stderr).toMatch(/ {2}\$\.reduction\.kind: .*"weighted_mean".*\(bad\.jsonc:6:25\)/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('validate reports a JSON syntax error with line and column', async () => {
    writeFileSync(join(cwd, 'syntax.json'), '{\n  "specVersion": 1,\n  "loss": {"kind": "mse"},\n}\n');
    const run = await runBuiltCli(['validate', 'syntax.json'], { cwd });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('syntax.json:4:1: a trailing comma before }');
  });
});
