"""The rollup: enterprises into groups, county-level units and scopes; explain; comparable bases."""
