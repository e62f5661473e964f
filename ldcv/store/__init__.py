"""Where validated graphs live: an embedded Oxigraph store on disk, one named graph per CV."""
