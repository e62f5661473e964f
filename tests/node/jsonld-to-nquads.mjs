// Read a JSON-LD document over HTTP with jsonld.js and print its triples as N-Quads.
// The document loader refuses every URL: a context that needs the network fails the run.
import jsonld from "jsonld";

const url = process.argv[2];
const response = await fetch(url, { headers: { Accept: "application/ld+json" } });
if (!response.ok) {
  console.error(`${url}: HTTP ${response.status}`);
  process.exit(1);
}
const document = await response.json();
const refuse = async (iri) => {
  throw new Error(`no network here: jsonld.js tried to load ${iri}`);
};
const nquads = await jsonld.toRDF(document, {
  base: response.url,
  format: "application/n-quads",
  documentLoader: refuse,
});
process.stdout.write(nquads);
