"""Staff and IT tools: preview, new-slide scaffolding and the printable handout."""
