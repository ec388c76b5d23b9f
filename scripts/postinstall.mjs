// `postinstall` of this package. In a clone (after `npm ci`): installs the real-code bench's packages
// (scripts/install-realcode.mjs) and builds the command-line analyzer's bin (scripts/build-cli.mjs).
// In an installed package tarball neither script is shipped (the bin comes prebuilt): nothing to do.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
let status = 0;
for (const script of ['install-realcode.mjs', 'build-cli.mjs']) {
  const path = join(here, script);
  if (!existsSync(path)) continue;
  status = spawnSync(process.execPath, [path], { stdio: 'inherit' }).status ?? 1;
  if (status !== 0) break;
}
process.exit(status);
