// Empties the package's dist/ before a build, so files of sources since renamed or excluded (a test helper
// built by an older configuration) cannot linger and be packed. Run from the package directory.
import { rmSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
