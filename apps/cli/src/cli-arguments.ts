import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { CliUsageError } from './cli-usage-error.ts';

/** Option definitions in node:util parseArgs form. */
export type OptionDefinitions = NonNullable<ParseArgsConfig['options']>;

/** Parsed options and positionals; `help` is true when `--help`/`-h` was given. */
export interface ParsedArguments {
  readonly values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  readonly positionals: string[];
  readonly help: boolean;
}

/** Parses a command's arguments strictly; unknown options and missing values become CliUsageErrors. */
export function parseCommandArguments(
  command: string,
  args: readonly string[],
  options: OptionDefinitions,
): ParsedArguments {
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    const { help, ...rest } = values as Record<string, string | boolean | (string | boolean)[] | undefined>;
    return { values: rest, positionals, help: help === true };
  } catch (error) {
    const message = (error as Error).message.replace(/\. To specify a positional argument.*$/s, '');
    throw new CliUsageError(message, command);
  }
}

/** A string option's value, or `fallback`. */
export function stringOption(parsed: ParsedArguments, name: string, fallback?: string): string | undefined {
  const value = parsed.values[name];
  return typeof value === 'string' ? value : fallback;
}

/** A string option that must be present. */
export function requiredStringOption(command: string, parsed: ParsedArguments, name: string): string {
  const value = stringOption(parsed, name);
  if (value === undefined || value === '') throw new CliUsageError(`--${name} is required`, command);
  return value;
}

/** Every value of a repeatable string option. */
export function stringListOption(parsed: ParsedArguments, name: string): string[] {
  const value = parsed.values[name];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).filter((item): item is string => typeof item === 'string');
}

/** A boolean flag. */
export function flagOption(parsed: ParsedArguments, name: string): boolean {
  return parsed.values[name] === true;
}

/** A numeric option checked against [minimum, maximum]; `integer` rejects fractions. */
export function numberOption(
  command: string,
  parsed: ParsedArguments,
  name: string,
  fallback: number,
  bounds: { minimum?: number; maximum?: number; integer?: boolean } = {},
): number {
  const text = stringOption(parsed, name);
  if (text === undefined) return fallback;
  const value = Number(text);
  const kind = bounds.integer ? 'an integer' : 'a number';
  if (text.trim() === '' || !Number.isFinite(value) || (bounds.integer && !Number.isInteger(value)))
    throw new CliUsageError(`--${name} must be ${kind}, got "${text}"`, command);
  if (bounds.minimum !== undefined && value < bounds.minimum)
    throw new CliUsageError(`--${name} must be >= ${bounds.minimum}, got ${value}`, command);
  if (bounds.maximum !== undefined && value > bounds.maximum)
    throw new CliUsageError(`--${name} must be <= ${bounds.maximum}, got ${value}`, command);
  return value;
}

/** Rejects positionals a command does not take. */
export function expectPositionals(command: string, parsed: ParsedArguments, maximum: number): void {
  if (parsed.positionals.length > maximum)
    throw new CliUsageError(`unexpected argument "${parsed.positionals[maximum]}"`, command);
}
