import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, release, totalmem } from 'node:os';
import { dirname, join } from 'node:path';

/** What a benchmark result depends on besides the code: machine, runtimes and library versions. */
export interface MachineInfo {
  readonly cpuModel: string;
  readonly cores: number;
  readonly totalMemoryBytes: number;
  readonly kernel: string;
  readonly node: string;
  readonly packages: Record<string, string | null>;
  readonly python: Record<string, string | null>;
  readonly gitCommit: string | null;
  readonly gitDirty: boolean | null;
}

const require = createRequire(import.meta.url);

/** A dependency's version from its package.json, found next to its resolved entry point. */
function packageVersion(name: string): string | null {
  try {
    let directory = dirname(require.resolve(name));
    for (let depth = 0; depth < 6; depth += 1) {
      try {
        const manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as {
          name?: string;
          version?: string;
        };
        if (manifest.name === name) return manifest.version ?? null;
      } catch {
        // no package.json at this level
      }
      directory = dirname(directory);
    }
  } catch {
    // not installed
  }
  return null;
}

/** A Python module's version under Debian's interpreter, or null when it is not installed. */
function pythonModuleVersion(python: string, module: string): string | null {
  try {
    const expression = module === 'platform' ? 'platform.python_version()' : `${module}.__version__`;
    return execFileSync(python, ['-c', `import ${module}; print(${expression})`], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return null;
  }
}

function git(args: string[]): string | null {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

/** Collects MachineInfo (CPU model, cores, versions of node, the libraries and Debian's torch and sklearn). */
export function machineInfo(): MachineInfo {
  const status = git(['status', '--porcelain', '--untracked-files=no']);
  return {
    cpuModel: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    totalMemoryBytes: totalmem(),
    kernel: release(),
    node: process.version,
    packages: Object.fromEntries(
      ['onnxruntime-node', '@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', 'ml-logistic-regression', 'tsx'].map(
        (name) => [name, packageVersion(name)],
      ),
    ),
    python: {
      python: pythonModuleVersion('/usr/bin/python3', 'platform'),
      torch: pythonModuleVersion('/usr/bin/python3', 'torch'),
      sklearn: pythonModuleVersion('/usr/bin/python3', 'sklearn'),
      numpy: pythonModuleVersion('/usr/bin/python3', 'numpy'),
    },
    gitCommit: git(['rev-parse', 'HEAD']),
    gitDirty: status === null ? null : status.length > 0,
  };
}
