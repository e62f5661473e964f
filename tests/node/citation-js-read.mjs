// Read a bibliography file with citation-js and print what it understood as CSL-JSON,
// then, after a line "---", the APA bibliography its CSL plugin formats from it.
// Usage: node citation-js-read.mjs FILE bibtex|ris|csl-json
import { readFileSync } from "node:fs";
import { Cite } from "@citation-js/core";
import "@citation-js/plugin-bibtex";
import "@citation-js/plugin-ris";
import "@citation-js/plugin-csl";

const [file, format] = process.argv.slice(2);
const text = readFileSync(file, "utf8");
const types = { bibtex: "@bibtex/text", ris: "@ris/file", "csl-json": "@csl/list+object" };
const input = format === "csl-json" ? JSON.parse(text) : text;
const cite = await Cite.async(input, { forceType: types[format] });
process.stdout.write(JSON.stringify(cite.data) + "\n---\n");
process.stdout.write(cite.format("bibliography", { template: "apa", lang: "en-US" }));
