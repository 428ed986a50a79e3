// Entry point for the compiled build (dist/cli/main-entry.js), used by the Docker image.
import { main } from './main.ts';

process.exitCode = await main(process.argv.slice(2));
