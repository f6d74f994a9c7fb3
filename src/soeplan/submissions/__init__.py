"""What a unit sends: the template, readers, validation rules, annotation, the store and ingest."""
