"""Operating structures: entity records, the dated model, structure files, composition, credit codes."""
