"""Reference data the rules check against (the national nomenclature of regional programs).

It stands below the pure core: ``state`` validates program codes with it, and the
planning tools, the assistant and the API look codes up in it."""
