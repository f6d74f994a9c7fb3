"""Operating structures: the records, structure files, composing and checking, the dated model, the city."""
