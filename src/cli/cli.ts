// Entry point of the `gate-lens` command (bundled to dist/cli.js). All logic lives in main.ts so tests can call it.
import { main } from './main';

process.exitCode = main(process.argv.slice(2));
