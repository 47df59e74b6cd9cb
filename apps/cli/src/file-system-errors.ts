import { InvalidInputError, WeightspecError } from '@weightspec/core';

/** What each common file-system error code means, in the words a user needs. */
const codeWords: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EEXIST: 'it already exists',
  EROFS: 'read-only file system',
  EMFILE: 'too many open files',
  EBUSY: 'the resource is busy',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the name is too long',
  EIO: 'input/output error',
  ENOTEMPTY: 'the directory is not empty',
  EXDEV: 'across file systems',
  EFBIG: 'the file is too large',
};

/**
 * Turns a Node file-system failure into WS_INVALID_INPUT naming the path and the code, e.g.
 * `out/model.onnx: cannot write the file (ENOSPC: no space left on the device)`, so the CLI prints one
 * line instead of a stack. A WeightspecError passes through unchanged.
 */
export function fileSystemError(path: string, action: string, cause: unknown): WeightspecError {
  if (WeightspecError.isInstance(cause)) return cause;
  const code = (cause as NodeJS.ErrnoException | null)?.code;
  const words = code === undefined ? (cause instanceof Error ? cause.message : String(cause)) : codeWords[code];
  const detail = code === undefined ? words : words === undefined ? code : `${code}: ${words}`;
  return new InvalidInputError(path, `cannot ${action} (${detail})`, { cause });
}
