// Entry point of the `gate-lens` command (bundled to dist/cli.js). All logic lives in main.ts so tests can call it.
import { main } from './main';

// `gate-lens run ... | head` closes stdout early: that is the reader's choice, not an error worth a stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

process.exitCode = main(process.argv.slice(2));
