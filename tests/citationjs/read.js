// Read citation files as a reference manager does, with Citation.js: each file named on the
// command line is parsed (BibTeX, RIS or CSL-JSON, by its extension) and printed as CSL-JSON.
// Usage: node read.js FILE... -> {"FILE": [CSL items], ...} on standard output.
"use strict";
const fs = require("fs");
const path = require("path");
const { Cite } = require("@citation-js/core");
require("@citation-js/plugin-bibtex");
require("@citation-js/plugin-ris");
require("@citation-js/plugin-csl");

const FORMATS = { ".bib": "@biblatex/text", ".ris": "@ris/file", ".json": "@csl/list+object" };

const out = {};
for (const file of process.argv.slice(2)) {
  const format = FORMATS[path.extname(file)];
  if (!format) throw new Error(`${file}: no reader for this extension`);
  const text = fs.readFileSync(file, "utf8");
  const input = format === "@csl/list+object" ? JSON.parse(text) : text;
  // _graph records how Citation.js got there, not what the file says.
  out[file] = new Cite(input, { forceType: format }).data.map(({ _graph, ...item }) => item);
}
process.stdout.write(JSON.stringify(out, null, 1));
