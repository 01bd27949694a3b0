"""Loading: reading the user's files safely, YAML, the JSON Schemas, the config, the registry,
and files at a git revision. Everything that turns bytes on disk (or a fetched registry) into
checked values lives here; nothing here knows about rules."""
