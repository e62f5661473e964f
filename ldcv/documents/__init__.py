"""Documents: which triples make each one, the crawler files, and the prepared
representations (bytes, ETag, gzip) that the server and the static build share."""
