"""Model → RDF: IRIs, vocabulary, mapping, SHACL validation, the format table and serializers."""
