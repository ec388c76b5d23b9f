/**
 * Entry point of the `chat-sso-inspector` bin (bundled by scripts/build-cli.mjs into bin/chat-sso-inspector).
 * Sets the exit code rather than calling process.exit, so piped output is written in full.
 */
import { processIo, runCli } from './analyze';

/** The package version, written in by the bundler (scripts/build-cli.mjs). */
declare const __CLI_VERSION__: string;

// `… | head` closes the pipe early: that is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
});
process.exitCode = runCli(process.argv.slice(2), processIo(__CLI_VERSION__));
