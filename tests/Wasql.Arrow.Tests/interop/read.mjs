// Reads each Arrow IPC file or stream named on the command line with apache-arrow and prints a JSON
// array of their canonical views (see canonical.mjs). Used by InteropTests (Wasql writes, JS reads).
import { readFileSync } from 'node:fs';
import { arrow, canonicalTable } from './canonical.mjs';

const out = process.argv.slice(2).map((path) => canonicalTable(arrow.tableFromIPC(readFileSync(path))));
process.stdout.write(JSON.stringify(out));
