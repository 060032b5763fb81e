"""Planning data and rules: national nomenclature, Indonesian numbers and money."""
